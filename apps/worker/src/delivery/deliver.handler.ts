import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '@postern/db';
import { DeliveryService } from '@postern/outbound';
import { JobName, JobPayloads } from '@postern/queue';
import { HandlesJob, JobHandler } from '../jobs/job-handler';

/** One queued recipient is due: deliver it and the other due recipients of its message at its domain. */
@Injectable()
@HandlesJob(JobName.Deliver)
export class DeliverHandler implements JobHandler<JobName.Deliver> {
  constructor(@Inject(DeliveryService) private readonly delivery: DeliveryService) {}

  async handle(payload: JobPayloads[JobName.Deliver]): Promise<void> {
    if (!isUuid(payload.recipientId)) throw new Error(`invalid delivery job payload: ${JSON.stringify(payload)}`);
    await this.delivery.deliver(payload.recipientId);
  }
}
