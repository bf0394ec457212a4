import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MailEvent, WebhookDelivery, WebhookEndpoint, uuidv7 } from '@postern/db';

const BATCH = 500;

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
      const [events] = await tx.query<[{ id: string }[], number]>(
        `UPDATE events SET fanned_out = true WHERE id IN (
           SELECT id FROM events WHERE fanned_out = false ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING id`,
      );
      if (events.length === 0) return [];
      const rows = await tx.getRepository(MailEvent).find({ where: events.map((e) => ({ id: e.id })), order: { id: 'ASC' } });
      const accounts = [...new Set(rows.map((e) => e.accountId))];
      const endpoints = await tx
        .getRepository(WebhookEndpoint)
        .find({ where: accounts.map((accountId) => ({ accountId, enabled: true })) });
      const created: WebhookDelivery[] = [];
      const now = new Date();
      for (const event of rows) {
        for (const endpoint of endpoints) {
          if (endpoint.accountId !== event.accountId) continue;
          if (endpoint.events && !endpoint.events.includes(event.type)) continue;
          if (endpoint.createdAt > event.createdAt) continue; // endpoints get events from their creation on
          const delivery = tx.getRepository(WebhookDelivery).create({
            id: uuidv7(),
            accountId: event.accountId,
            endpointId: endpoint.id,
            eventId: event.id,
            eventType: event.type,
            recipientId: event.recipientId,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            lastStatus: null,
            completedAt: null,
          });
          if (event.recipientId) {
            await tx.query(
              `UPDATE webhook_deliveries SET status = 'superseded', completed_at = now()
               WHERE endpoint_id = $1 AND recipient_id = $2 AND status = 'pending'`,
              [endpoint.id, event.recipientId],
            );
            for (const older of created)
              if (older.endpointId === endpoint.id && older.recipientId === event.recipientId) older.status = 'superseded';
          }
          await tx.getRepository(WebhookDelivery).insert(delivery);
          created.push(delivery);
        }
      }
      return created.filter((d) => d.status === 'pending');
    });
  }
}
