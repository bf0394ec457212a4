import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MailEventType, WebhookDelivery, WebhookEndpoint, uuidv7 } from '@postern/db';

const BATCH = 500;
/** Rows per INSERT: 12 parameters each, well under PostgreSQL's 65 535 per statement. */
const INSERT_ROWS = 1000;

/** The columns of a claimed event the fan-out needs (a raw row). */
interface FannedOutEvent {
  id: string;
  account_id: string;
  type: MailEventType;
  recipient_id: string | null;
  created_at: Date;
}

/**
 * Turns new events into webhook delivery rows, one per matching enabled endpoint, in the
 * same transaction that marks the events fanned out. For one recipient at one endpoint, a
 * newer event retires an older delivery still pending (superseded), so a receiver never
 * gets `delayed` after `delivered`. Returns the new deliveries for the caller to schedule.
 */
@Injectable()
export class WebhookFanoutService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Pending deliveries already due whose job may have been lost (Redis flushed, worker killed). */
  async overdue(): Promise<Pick<WebhookDelivery, 'id' | 'attempts' | 'nextAttemptAt'>[]> {
    const rows = await this.db.query<{ id: string; attempts: number; next_attempt_at: Date }[]>(
      `SELECT id, attempts, next_attempt_at FROM webhook_deliveries
       WHERE status = 'pending' AND next_attempt_at <= now() - interval '30 seconds' ORDER BY next_attempt_at LIMIT 1000`,
    );
    return rows.map((r) => ({ id: r.id, attempts: r.attempts, nextAttemptAt: r.next_attempt_at }));
  }

  async fanOut(): Promise<WebhookDelivery[]> {
    return this.db.transaction(async (tx) => {
      const [claimed] = await tx.query<[FannedOutEvent[], number]>(
        `UPDATE events SET fanned_out = true WHERE id IN (
           SELECT id FROM events WHERE fanned_out = false ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING id, account_id, type, recipient_id, created_at`,
      );
      if (claimed.length === 0) return [];
      // RETURNING has no order; superseding needs the events oldest first.
      const events = claimed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const accounts = [...new Set(events.map((e) => e.account_id))];
      const endpoints = await tx
        .getRepository(WebhookEndpoint)
        .find({ where: accounts.map((accountId) => ({ accountId, enabled: true })) });
      const created: WebhookDelivery[] = [];
      /** The newest delivery in this batch per endpoint and recipient: an older one is superseded in memory. */
      const latest = new Map<string, WebhookDelivery>();
      const now = new Date();
      for (const event of events) {
        for (const endpoint of endpoints) {
          if (endpoint.accountId !== event.account_id) continue;
          if (endpoint.events && !endpoint.events.includes(event.type)) continue;
          if (endpoint.createdAt > event.created_at) continue; // endpoints get events from their creation on
          const delivery = tx.getRepository(WebhookDelivery).create({
            id: uuidv7(),
            accountId: event.account_id,
            endpointId: endpoint.id,
            eventId: event.id,
            eventType: event.type,
            recipientId: event.recipient_id,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            lastStatus: null,
            completedAt: null,
          });
          if (event.recipient_id) {
            const key = `${endpoint.id} ${event.recipient_id}`;
            const older = latest.get(key);
            if (older) Object.assign(older, { status: 'superseded', completedAt: now });
            latest.set(key, delivery);
          }
          created.push(delivery);
        }
      }
      if (created.length === 0) return [];
      // Pending deliveries from earlier batches for the same endpoint and recipient: one statement, before the insert.
      const pairs = [...latest.values()];
      if (pairs.length > 0) {
        await tx.query(
          `UPDATE webhook_deliveries d SET status = 'superseded', completed_at = now()
         FROM unnest($1::uuid[], $2::uuid[]) AS s(endpoint_id, recipient_id)
         WHERE d.endpoint_id = s.endpoint_id AND d.recipient_id = s.recipient_id AND d.status = 'pending'`,
          [pairs.map((d) => d.endpointId), pairs.map((d) => d.recipientId)],
        );
      }
      for (let i = 0; i < created.length; i += INSERT_ROWS) {
        await tx.getRepository(WebhookDelivery).insert(created.slice(i, i + INSERT_ROWS));
      }
      return created.filter((d) => d.status === 'pending');
    });
  }
}
