import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Account, DeliveryAttempt, MessageBlob, OutboundMessage, QueuedRecipient, Transport, uuidv7 } from '@postern/db';
import { MtaStsCache, cachingResolver, createResolver } from '@postern/dns';
import { Logger, Metrics, ROOT_LOGGER } from '@postern/observability';

import { DeliveryScheduler } from '../delivery-scheduler';
import { addressKey, domainOf, insertSuppression, recordEvent } from '@postern/events';
import { REPEATED_FAILURE_LIMIT, isHardBounce, nextAttemptDelay } from '../retry-policy';
import { DirectDelivery, DirectTransport, DirectTransportOptions } from './direct-transport';
import { DomainLimiter } from './domain-limiter';
import { DsnService } from './dsn.service';
import { RecipientOutcome } from './outcome';
import { RelayTransport, failTransportOutcomes } from './relay-transport';
import { simulateLocalDelivery } from './local-simulator';
import { TransportRouter } from './router';

/**
 * Delivers due recipients: claims every due recipient of one message at one domain (so they
 * share one SMTP transaction), delivers, and records each outcome with its attempt, event,
 * retry, suppression and DSN in one transaction.
 */
@Injectable()
export class DeliveryService {
  private readonly limiter: DomainLimiter;
  private readonly direct: DirectTransport;
  private readonly directOptions: DirectTransportOptions;
  private readonly ca: Buffer[] | undefined;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeliveryScheduler) private readonly scheduler: DeliveryScheduler,
    @Inject(DsnService) private readonly dsn: DsnService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(TransportRouter) private readonly router: TransportRouter,
  ) {
    const delivery = config.delivery;
    const resolver = cachingResolver(createResolver({ servers: delivery.dnsServers ?? undefined }), 30_000);
    const ca = delivery.caFile ? [readFileSync(delivery.caFile)] : undefined;
    this.ca = ca;
    this.limiter = new DomainLimiter(delivery.connectionsPerDomain);
    this.directOptions = {
      resolver,
      mtaSts: new MtaStsCache({ resolver, port: delivery.mtaStsPort, ca: ca?.[0] }),
      localHostname: config.hostname,
      port: delivery.remoteSmtpPort,
      ca,
      logger: logger.child({ component: 'delivery' }),
    };
    this.direct = new DirectTransport(this.directOptions);
  }

  /** Handles one delivery job. Returns how many recipients it delivered for (0: nothing was due). */
  async deliver(recipientId: string): Promise<number> {
    const token = randomUUID();
    const claimed = await this.claim(recipientId, token);
    if (claimed.length === 0) return 0;
    const renew = setInterval(() => void this.renew(claimed, token), (this.config.delivery.leaseSeconds / 3) * 1000);
    const started = new Date();
    try {
      const message = await this.db.getRepository(OutboundMessage).findOneByOrFail({ id: claimed[0].messageId });
      const blob = await this.db.getRepository(MessageBlob).findOneByOrFail({ id: message.blobId });
      const transport = await this.router.transportFor(
        {
          accountId: message.accountId,
          fromDomain: domainOf(message.fromAddress),
          toDomain: claimed[0].domain,
          attempt: claimed[0].attempts + 1,
        },
        claimed[0].transportId,
      );
      const job: DirectDelivery = {
        domain: claimed[0].domain,
        mailFrom: message.mailFrom,
        recipients: claimed.map((r) => r.address),
        data: blob.data,
        requireTls: message.requireTls,
      };
      const outcomes = await this.limiter.run(transport?.host ?? claimed[0].domain, () => this.dispatch(transport, job));
      await this.record(message, blob, claimed, outcomes, started, token);
      this.metrics.deliveryDuration.observe({ outcome: outcomes[0]?.outcome ?? 'none' }, (Date.now() - started.getTime()) / 1000);
      return claimed.length;
    } finally {
      clearInterval(renew);
    }
  }

  private async dispatch(transport: Transport | null, job: DirectDelivery): Promise<RecipientOutcome[]> {
    if (!transport) {
      if (this.config.delivery.outbound !== 'local') return this.direct.deliver(job);
      // Local mode: mail to our own domains loops back through our MX into the mailboxes;
      // everything else stays on the machine as a simulated outcome.
      return (await this.isLocalDomain(job.domain)) ? this.loopBack(job) : simulateLocalDelivery(job.recipients);
    }
    switch (transport.kind) {
      case 'direct':
        return this.direct.deliver(job);
      case 'socks':
        return new DirectTransport({
          ...this.directOptions,
          socks: { host: transport.host ?? '127.0.0.1', port: transport.port ?? 1080 },
        }).deliver(job);
      case 'relay':
      case 'submission':
        return new RelayTransport({
          host: transport.host ?? 'localhost',
          port: transport.port ?? (transport.kind === 'relay' ? 25 : 587),
          tls: transport.tls ?? (transport.kind === 'relay' ? 'none' : 'starttls'),
          verifyTls: transport.verifyTls,
          ca: this.ca,
          auth: transport.username ? { username: transport.username, password: transport.password ?? '' } : undefined,
          localHostname: this.config.hostname,
          logger: this.logger,
        }).deliver(job);
      case 'fail':
        return Promise.resolve(
          failTransportOutcomes(job.recipients, transport.failCode ?? 554, transport.failText ?? `refused by transport ${transport.name}`),
        );
    }
  }

  private readonly localDomains = new Map<string, { local: boolean; until: number }>();

  private async isLocalDomain(domain: string): Promise<boolean> {
    const cached = this.localDomains.get(domain);
    if (cached && cached.until > Date.now()) return cached.local;
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM domains WHERE name = $1`, [domain]);
    this.localDomains.set(domain, { local: rows.length > 0, until: Date.now() + 10_000 });
    return rows.length > 0;
  }

  private loopBack(job: DirectDelivery): Promise<RecipientOutcome[]> {
    return new RelayTransport({
      host: '127.0.0.1',
      port: this.config.ports.smtp,
      tls: 'none',
      verifyTls: false,
      localHostname: this.config.hostname,
      logger: this.logger,
    }).deliver(job);
  }

  /**
   * Claims the due recipients of the job's message at the job's domain. SKIP LOCKED and the
   * lease keep two workers off the same recipient (at-least-once, never concurrently).
   */
  private async claim(recipientId: string, token: string): Promise<QueuedRecipient[]> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
    const [rows] = await this.db.query<[{ id: string }[], number]>(
      `UPDATE queued_recipients SET locked_until = now() + make_interval(secs => $3), lock_token = $2
       WHERE id IN (
         SELECT r.id FROM queued_recipients r JOIN queued_recipients me ON me.id = $1
         WHERE r.message_id = me.message_id AND r.domain = me.domain AND r.status = 'queued'
           AND r.transport_id IS NOT DISTINCT FROM me.transport_id
           AND r.next_attempt_at <= now() AND (r.locked_until IS NULL OR r.locked_until < now())
         ORDER BY r.id FOR UPDATE OF r SKIP LOCKED)
       RETURNING id`,
      [recipientId, token, this.config.delivery.leaseSeconds],
    );
    if (rows.length === 0) return [];
    return this.db.getRepository(QueuedRecipient).find({ where: { id: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } });
  }

  private async renew(claimed: QueuedRecipient[], token: string): Promise<void> {
    await this.db
      .query(`UPDATE queued_recipients SET locked_until = now() + make_interval(secs => $3) WHERE id = ANY($1) AND lock_token = $2`, [
        claimed.map((r) => r.id),
        token,
        this.config.delivery.leaseSeconds,
      ])
      .catch((err: unknown) => this.logger.warn({ err }, 'lease renewal failed'));
  }

  private async record(
    message: OutboundMessage,
    blob: MessageBlob,
    claimed: QueuedRecipient[],
    outcomes: RecipientOutcome[],
    started: Date,
    token: string,
  ): Promise<void> {
    const durationMs = Date.now() - started.getTime();
    const byAddress = new Map(outcomes.map((o) => [o.address, o]));
    const rescheduled: QueuedRecipient[] = [];
    const failed: { recipient: QueuedRecipient; outcome: RecipientOutcome }[] = [];
    await this.db.transaction(async (tx) => {
      const account = await tx.getRepository(Account).findOneByOrFail({ id: message.accountId });
      const schedule = account.retrySchedule ?? this.config.delivery.retrySchedule;
      for (const recipient of claimed) {
        const outcome = byAddress.get(recipient.address) ?? {
          address: recipient.address,
          outcome: 'temporary' as const,
          code: null,
          enhanced: '4.4.0',
          text: 'no outcome was reported for this recipient',
          remoteHost: null,
          remoteIp: null,
          tlsVersion: null,
        };
        const number = recipient.attempts + 1;
        this.metrics.deliveryAttempts.inc({ outcome: outcome.outcome });
        await tx.getRepository(DeliveryAttempt).insert({
          id: uuidv7(),
          recipientId: recipient.id,
          number,
          startedAt: started,
          durationMs,
          outcome: outcome.outcome,
          remoteHost: outcome.remoteHost,
          remoteIp: outcome.remoteIp,
          smtpCode: outcome.code,
          enhancedCode: outcome.enhanced,
          text: outcome.text,
          tlsVersion: outcome.tlsVersion,
        });
        const details = {
          attempt: number,
          smtpCode: outcome.code,
          enhancedCode: outcome.enhanced,
          text: outcome.text,
          remoteHost: outcome.remoteHost,
        };
        const base = { attempts: number, lastAttemptAt: started, lockedUntil: null, lockToken: null, lastError: outcome.text };
        const now = new Date();
        if (outcome.outcome === 'delivered') {
          await this.update(tx, recipient, token, { ...base, status: 'delivered', retiredAt: now });
          await tx.query('UPDATE account_recipients SET consecutive_failures = 0 WHERE account_id = $1 AND address_key = $2', [
            message.accountId,
            addressKey(recipient.address),
          ]);
          await recordEvent(tx, 'message.delivered', message, recipient, { ...details, suppressed: false });
          continue;
        }
        const delay = outcome.outcome === 'temporary' ? nextAttemptDelay(schedule, number) : null;
        if (delay !== null) {
          const nextAttemptAt = new Date(now.getTime() + delay);
          await this.update(tx, recipient, token, { ...base, status: 'queued', nextAttemptAt });
          rescheduled.push({ ...recipient, attempts: number, nextAttemptAt });
          await recordEvent(tx, 'message.delayed', message, recipient, { ...details, nextAttemptAt: nextAttemptAt.toISOString() });
          continue;
        }
        const text = outcome.outcome === 'temporary' ? `gave up after ${number} attempts; last: ${outcome.text}` : outcome.text;
        await this.update(tx, recipient, token, { ...base, status: 'failed', retiredAt: now, lastError: text });
        // A DSN that cannot be delivered goes nowhere further and suppresses nobody.
        const suppressed = message.source !== 'dsn' && (await this.suppressAfterFailure(tx, message.accountId, recipient.address, outcome));
        await recordEvent(tx, 'message.failed', message, recipient, { ...details, text, suppressed });
        failed.push({ recipient, outcome: { ...outcome, text } });
      }
      if (failed.length > 0 && message.mailFrom !== '' && (message.source !== 'api' || account.dsnForApiSends)) {
        rescheduled.push(await this.dsn.queueFailure(tx, message, blob, failed));
      }
    });
    await this.scheduler.enqueue(rescheduled);
  }

  private async update(tx: EntityManager, recipient: QueuedRecipient, token: string, changes: Partial<QueuedRecipient>): Promise<void> {
    // Only while we still hold the lease: a worker that lost it (paused past the lease) records nothing.
    await tx.getRepository(QueuedRecipient).update({ id: recipient.id, lockToken: token }, changes);
  }

  /** Hard bounces suppress at once; other failures after REPEATED_FAILURE_LIMIT in a row. Returns whether suppressed. */
  private async suppressAfterFailure(tx: EntityManager, accountId: string, address: string, outcome: RecipientOutcome): Promise<boolean> {
    const key = addressKey(address);
    const [row] = await tx.query<{ consecutive_failures: number }[]>(
      `INSERT INTO account_recipients (account_id, address_key, consecutive_failures) VALUES ($1, $2, 1)
       ON CONFLICT (account_id, address_key) DO UPDATE SET consecutive_failures = account_recipients.consecutive_failures + 1
       RETURNING consecutive_failures`,
      [accountId, key],
    );
    const hard = outcome.outcome === 'permanent' && isHardBounce(outcome.code, outcome.enhanced);
    if (!hard && row.consecutive_failures < REPEATED_FAILURE_LIMIT) return false;
    const reply = [outcome.code, outcome.enhanced, outcome.text].filter((p) => p !== null).join(' ');
    await insertSuppression(tx, { accountId, key, address, reason: hard ? 'hard_bounce' : 'repeated_failure', smtpReply: reply });
    return true;
  }
}
