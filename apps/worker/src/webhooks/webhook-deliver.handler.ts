import { Inject, Injectable } from '@nestjs/common';
import { WebhookDelivery } from '@postern/db';
import { WebhookScheduler, WebhookSenderService } from '@postern/events';
import { DomainLimiter } from '@postern/outbound';
import { JobName, JobPayloads } from '@postern/queue';
import { DataSource } from 'typeorm';
import { HandlesJob, JobHandler } from '../jobs/job-handler';

/** Requests one worker sends to one endpoint at once, so a slow receiver cannot starve the others. */
export const PER_ENDPOINT = 5;

@Injectable()
@HandlesJob(JobName.WebhookDeliver)
export class WebhookDeliverHandler implements JobHandler<JobName.WebhookDeliver> {
  private readonly limiter = new DomainLimiter(PER_ENDPOINT);

  constructor(
    @Inject(WebhookSenderService) private readonly sender: WebhookSenderService,
    @Inject(WebhookScheduler) private readonly scheduler: WebhookScheduler,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  async handle(payload: JobPayloads[JobName.WebhookDeliver]): Promise<void> {
    const row = await this.db.getRepository(WebhookDelivery).findOneBy({ id: payload.deliveryId });
    if (!row) return;
    // The sender reads the row again once a slot is free: it may have been canceled or replaced meanwhile.
    const retry = await this.limiter.run(row.endpointId, () => this.sender.deliver(payload.deliveryId));
    if (retry) await this.scheduler.enqueue([retry]);
  }
}
