import { Inject, Injectable } from '@nestjs/common';
import { RetentionService } from '@postern/outbound';
import { JobName } from '@postern/queue';
import { HandlesJob, JobHandler } from '../jobs/job-handler';

/** Scheduled hourly: forget history, events and keys past their retention. */
@Injectable()
@HandlesJob(JobName.Retention)
export class RetentionHandler implements JobHandler<JobName.Retention> {
  constructor(@Inject(RetentionService) private readonly retention: RetentionService) {}

  async handle(): Promise<void> {
    await this.retention.run();
  }
}
