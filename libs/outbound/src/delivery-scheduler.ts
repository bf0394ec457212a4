import { Inject, Injectable } from '@nestjs/common';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { JobName, QueueName, Queues, deliverJobId } from '@postern/queue';

/** What a delivery job needs to know of a queue row. */
export interface DueRecipient {
  id: string;
  attempts: number;
  nextAttemptAt: Date;
}

/**
 * Turns queue rows into BullMQ jobs. The job id names the recipient and its attempt count,
 * so enqueuing a row twice (API and reconciler, or two reconcilers) makes one job.
 */
@Injectable()
export class DeliveryScheduler {
  constructor(
    @Inject(Queues) private readonly queues: Queues,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Never throws: PostgreSQL holds the row, and the reconciler enqueues what this misses. */
  async enqueue(rows: readonly DueRecipient[]): Promise<void> {
    if (rows.length === 0) return;
    const now = Date.now();
    try {
      await this.queues.get(QueueName.Delivery).addBulk(
        rows.map((r) => ({
          name: JobName.Deliver,
          data: { recipientId: r.id },
          opts: {
            jobId: deliverJobId(r.id, r.attempts),
            delay: Math.max(0, r.nextAttemptAt.getTime() - now),
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err), count: rows.length },
        'enqueue failed; the reconciler will retry',
      );
    }
  }

  /** Makes due rows run now: a waiting delayed job is promoted, a missing one is added. */
  async runNow(rows: readonly DueRecipient[]): Promise<void> {
    const queue = this.queues.get(QueueName.Delivery);
    const missing: DueRecipient[] = [];
    for (const row of rows) {
      const job = await queue.getJob(deliverJobId(row.id, row.attempts));
      if (job && (await job.isDelayed())) await job.promote();
      else if (!job) missing.push(row);
    }
    await this.enqueue(missing);
  }
}
