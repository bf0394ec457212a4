import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Page, PageRequest, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, pageQuery } from '@postern/db';
import { notFound } from '@postern/errors';

/** An account's webhook deliveries and their attempts. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  list(
    accountId: string,
    filter: { endpointId?: string; status?: WebhookDeliveryStatus; eventType?: string; messageId?: string; since?: Date; until?: Date },
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    const q = this.db.getRepository(WebhookDelivery).createQueryBuilder('d').where('d.account_id = :accountId', { accountId });
    if (filter.endpointId) q.andWhere('d.endpoint_id = :endpointId', { endpointId: filter.endpointId });
    if (filter.status) q.andWhere('d.status = :status', { status: filter.status });
    if (filter.eventType) q.andWhere('d.event_type = :eventType', { eventType: filter.eventType });
    if (filter.messageId)
      q.andWhere('d.event_id IN (SELECT id FROM events WHERE message_id = :messageId)', { messageId: filter.messageId });
    if (filter.since) q.andWhere('d.created_at >= :since', { since: filter.since });
    if (filter.until) q.andWhere('d.created_at < :until', { until: filter.until });
    return pageQuery(q, 'd', page);
  }

  /**
   * Replays deliveries (any status but pending) or cancels pending ones, by ids and/or filter,
   * within the account. Replayed rows are returned for scheduling; attempt numbers keep counting.
   */
  async apply(
    accountId: string,
    action: 'replay' | 'cancel',
    filter: { ids?: string[]; endpointId?: string; status?: WebhookDeliveryStatus; eventType?: string },
  ): Promise<WebhookDelivery[]> {
    const q = this.db.getRepository(WebhookDelivery).createQueryBuilder('d').where('d.account_id = :accountId', { accountId });
    if (filter.ids) q.andWhere('d.id IN (:...ids)', { ids: filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000'] });
    if (filter.endpointId) q.andWhere('d.endpoint_id = :endpointId', { endpointId: filter.endpointId });
    if (filter.eventType) q.andWhere('d.event_type = :eventType', { eventType: filter.eventType });
    if (filter.status) q.andWhere('d.status = :status', { status: filter.status });
    q.andWhere(action === 'replay' ? "d.status <> 'pending'" : "d.status = 'pending'");
    const rows = await q.getMany();
    if (rows.length === 0) return [];
    const now = new Date();
    const changes =
      action === 'replay'
        ? { status: 'pending' as const, nextAttemptAt: now, completedAt: null }
        : { status: 'canceled' as const, completedAt: now };
    await this.db.getRepository(WebhookDelivery).update({ id: In(rows.map((r) => r.id)) }, changes);
    return rows.map((r) => Object.assign(r, changes));
  }

  async get(accountId: string, id: string): Promise<{ delivery: WebhookDelivery; attempts: WebhookAttempt[] }> {
    const delivery = await this.db.getRepository(WebhookDelivery).findOneBy({ id, accountId });
    if (!delivery) throw notFound('webhook delivery', id);
    const attempts = await this.db.getRepository(WebhookAttempt).find({ where: { deliveryId: id }, order: { number: 'ASC' } });
    return { delivery, attempts };
  }
}
