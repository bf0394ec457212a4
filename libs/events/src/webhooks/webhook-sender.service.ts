import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { MailEvent, WebhookDelivery, WebhookEndpoint, uuidv7 } from '@postern/db';
import type { Logger } from '@postern/observability';
import { ROOT_LOGGER } from '@postern/observability';
import { privateAddressOf } from './address-policy';
import { activeSecrets, signWebhook } from './signature';

const TIMEOUT_MS = 15_000;
const RESPONSE_BYTES = 1024;

export interface WebhookAttemptResult {
  status: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
  retryAfterMs: number | null;
}

/** The JSON body of a webhook (versioned by its type names; documented in the OpenAPI document). */
export function webhookBody(event: MailEvent): string {
  return JSON.stringify({ version: 1, type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}

/** RFC 9110 10.2.3: seconds or an HTTP date. */
function retryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/**
 * POSTs one webhook delivery, signed per Standard Webhooks, and records the attempt: 2xx is
 * success, redirects are not followed, 410 disables the endpoint, anything else retries on
 * the schedule (honouring Retry-After) until it fails.
 */
@Injectable()
export class WebhookSenderService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns the delivery when it must be tried again (with its next time), else null. */
  async deliver(deliveryId: string): Promise<WebhookDelivery | null> {
    // The delivery, its endpoint and its event in one query: three round trips were most of a delivery's cost.
    const delivery = await this.db
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .leftJoinAndSelect('d.endpoint', 'endpoint')
      .leftJoinAndMapOne('d.event', MailEvent, 'event', 'event.id = d.event_id')
      .where('d.id = :deliveryId', { deliveryId })
      .getOne();
    if (!delivery || delivery.status !== 'pending') return null;
    const { endpoint, event } = delivery as WebhookDelivery & { event?: MailEvent };
    if (!endpoint || !event) return null;
    if (!endpoint.enabled) {
      await this.cancel(delivery);
      return null;
    }
    const result = await this.post(endpoint, event);
    return this.record(delivery, endpoint, result);
  }

  /** One signed POST; used by deliveries and by the endpoint test. */
  async post(endpoint: WebhookEndpoint, event: MailEvent): Promise<WebhookAttemptResult> {
    const started = Date.now();
    const done = (partial: Partial<WebhookAttemptResult>): WebhookAttemptResult => ({
      status: null,
      error: null,
      response: null,
      retryAfterMs: null,
      ...partial,
      durationMs: Date.now() - started,
    });
    const url = new URL(endpoint.url);
    if (!this.config.webhooks.allowPrivate) {
      // Checked again at delivery, after resolution: a name may point elsewhere since it was saved.
      const blocked = await privateAddressOf(url).catch(() => null);
      if (blocked) return done({ error: `refused: ${url.hostname} resolves to ${blocked}, a private address` });
    }
    const body = webhookBody(event);
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Postern-Webhooks/1',
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(activeSecrets(endpoint.secrets), event.id, timestamp, body),
        },
        body,
      });
      const text = (await response.text()).slice(0, RESPONSE_BYTES);
      return done({ status: response.status, response: text, retryAfterMs: retryAfter(response.headers.get('retry-after')) });
    } catch (err) {
      return done({
        error: err instanceof Error ? (err.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : err.message) : String(err),
      });
    }
  }

  private async record(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    result: WebhookAttemptResult,
  ): Promise<WebhookDelivery | null> {
    const number = delivery.attempts + 1;
    delivery.attempts = number;
    delivery.lastStatus = result.status;
    const now = new Date();
    const schedule = this.config.webhooks.retrySchedule;
    let outcome: { status: 'pending'; next: Date } | { status: 'succeeded' | 'failed' };
    if (result.status !== null && result.status >= 200 && result.status < 300) outcome = { status: 'succeeded' };
    else if (result.status === 410 || number > schedule.length) outcome = { status: 'failed' };
    else {
      const base = schedule[number - 1] * 1000 * (0.9 + Math.random() * 0.2);
      outcome = { status: 'pending', next: new Date(now.getTime() + Math.max(base, result.retryAfterMs ?? 0)) };
    }
    // The attempt and the delivery's new state in one statement: one round trip and one commit per attempt.
    await this.db.query(
      `WITH attempt AS (
         INSERT INTO webhook_attempts (id, delivery_id, number, started_at, duration_ms, status, error, response)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
       UPDATE webhook_deliveries SET status = $9, attempts = $3, last_status = $6,
         next_attempt_at = coalesce($10, next_attempt_at), completed_at = $11
       WHERE id = $2 AND status = 'pending'`,
      [
        uuidv7(),
        delivery.id,
        number,
        new Date(now.getTime() - result.durationMs),
        result.durationMs,
        result.status,
        result.error,
        result.response,
        outcome.status,
        outcome.status === 'pending' ? outcome.next : null,
        outcome.status === 'pending' ? null : now,
      ],
    );
    if (result.status === 410) {
      // The receiver says the endpoint is gone for good.
      await this.db
        .getRepository(WebhookEndpoint)
        .update({ id: endpoint.id }, { enabled: false, disabledReason: 'the receiver answered 410 Gone' });
      this.logger.warn({ endpoint: endpoint.id }, 'webhook endpoint disabled after 410');
    }
    if (outcome.status !== 'pending') return null;
    delivery.nextAttemptAt = outcome.next;
    return delivery;
  }

  private async cancel(delivery: WebhookDelivery): Promise<void> {
    await this.db
      .getRepository(WebhookDelivery)
      .update(
        { id: delivery.id, status: 'pending' },
        { status: 'canceled', attempts: delivery.attempts, lastStatus: null, completedAt: new Date() },
      );
  }
}
