import { Inject, Injectable } from '@nestjs/common';
import { WebhookFanoutService, WebhookScheduler } from '@postern/events';
import { JobName } from '@postern/queue';
import { HandlesJob, JobHandler } from '../jobs/job-handler';

/** Every second: deliveries for new events, and re-enqueued overdue ones. */
@Injectable()
@HandlesJob(JobName.WebhookFanout)
export class WebhookFanoutHandler implements JobHandler<JobName.WebhookFanout> {
  constructor(
    @Inject(WebhookFanoutService) private readonly fanout: WebhookFanoutService,
    @Inject(WebhookScheduler) private readonly scheduler: WebhookScheduler,
  ) {}

  async handle(): Promise<void> {
    for (;;) {
      const created = await this.fanout.fanOut();
      await this.scheduler.enqueue(created);
      if (created.length === 0) break;
    }
    await this.scheduler.enqueue(await this.fanout.overdue());
  }
}
