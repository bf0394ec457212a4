import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { DeliveryScheduler } from '../delivery-scheduler';

const BATCH = 5000;

/**
 * PostgreSQL is the truth, Redis only schedules: re-enqueues every due recipient that is not
 * leased by a worker. A job already waiting for it has the same id, so this is a no-op for
 * healthy rows and a rescue for rows whose job was lost (Redis flushed, worker killed).
 */
@Injectable()
export class QueueReconciler {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(DeliveryScheduler) private readonly scheduler: DeliveryScheduler,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async reconcile(): Promise<number> {
    let total = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.db.query<{ id: string; attempts: number; next_attempt_at: Date }[]>(
        `SELECT id, attempts, next_attempt_at FROM queued_recipients
         WHERE status = 'queued' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now()) AND id > $1
         ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      await this.scheduler.enqueue(rows.map((r) => ({ id: r.id, attempts: r.attempts, nextAttemptAt: r.next_attempt_at })));
      total += rows.length;
      after = rows[rows.length - 1].id;
      if (rows.length < BATCH) break;
    }
    if (total > 0) this.logger.debug({ count: total }, 'reconciler enqueued due recipients');
    return total;
  }
}
