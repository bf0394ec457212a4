import { Inject, Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { Page, PageRequest, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, findPage } from '@postern/db';
import { notFound } from '@postern/errors';

/** An account's webhook deliveries and their attempts. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  list(
    accountId: string,
    filter: { endpointId?: string; status?: WebhookDeliveryStatus; eventType?: string },
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    const where: FindOptionsWhere<WebhookDelivery> = { accountId };
    if (filter.endpointId) where.endpointId = filter.endpointId;
    if (filter.status) where.status = filter.status;
    if (filter.eventType) where.eventType = filter.eventType as WebhookDelivery['eventType'];
    return findPage(this.db.getRepository(WebhookDelivery), where, page);
  }

  async get(accountId: string, id: string): Promise<{ delivery: WebhookDelivery; attempts: WebhookAttempt[] }> {
    const delivery = await this.db.getRepository(WebhookDelivery).findOneBy({ id, accountId });
    if (!delivery) throw notFound('webhook delivery', id);
    const attempts = await this.db.getRepository(WebhookAttempt).find({ where: { deliveryId: id }, order: { number: 'ASC' } });
    return { delivery, attempts };
  }
}
