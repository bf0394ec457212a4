import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger, ROOT_LOGGER } from '@postern/observability';

export interface RetentionResult {
  recipients: number;
  messages: number;
  events: number;
}

/**
 * Forgets what each account no longer keeps: retired recipients after its history
 * retention, messages (and their blobs) with no recipient left, events after its event
 * retention, Idempotency-Keys after 24 hours, expired suppressions and old send counters.
 */
@Injectable()
export class RetentionService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<RetentionResult> {
    return this.db.transaction(async (tx) => {
      const [, recipients] = await tx.query<[unknown[], number]>(
        `DELETE FROM queued_recipients r USING accounts a
         WHERE r.account_id = a.id AND r.retired_at < now() - make_interval(days => a.history_retention_days)`,
      );
      const [gone] = await tx.query<[{ blob_id: string }[], number]>(
        `DELETE FROM outbound_messages m
         WHERE m.created_at < now() - interval '1 hour' AND NOT EXISTS (SELECT 1 FROM queued_recipients r WHERE r.message_id = m.id)
         RETURNING blob_id`,
      );
      if (gone.length > 0) {
        await tx.query('DELETE FROM message_blobs WHERE id = ANY($1)', [gone.map((g) => g.blob_id)]);
      }
      const [, events] = await tx.query<[unknown[], number]>(
        `DELETE FROM events e USING accounts a
         WHERE e.account_id = a.id AND e.created_at < now() - make_interval(days => a.event_retention_days)`,
      );
      await tx.query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
      await tx.query(`DELETE FROM suppressions WHERE expires_at < now()`);
      await tx.query(`DELETE FROM send_counters WHERE day < (now() AT TIME ZONE 'UTC')::date - 2`);
      const result = { recipients, messages: gone.length, events };
      if (recipients + gone.length + events > 0) this.logger.info(result, 'retention removed old history');
      return result;
    });
  }
}
