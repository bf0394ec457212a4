import { Inject, Injectable } from '@nestjs/common';
import { QueueReconciler } from '@postern/outbound';
import { JobName } from '@postern/queue';
import { HandlesJob, JobHandler } from '../jobs/job-handler';

/** Scheduled: re-enqueue due recipients whose job was lost. */
@Injectable()
@HandlesJob(JobName.ReconcileQueue)
export class ReconcileHandler implements JobHandler<JobName.ReconcileQueue> {
  constructor(@Inject(QueueReconciler) private readonly reconciler: QueueReconciler) {}

  async handle(): Promise<void> {
    await this.reconciler.reconcile();
  }
}
