import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Account, DkimKey, Domain, HoldRule, MessageBlob, OutboundMessage, QueuedRecipient, RecipientStatus } from '@postern/db';
import { parseAddress } from '@postern/domains';
import { DomainError, ErrorCode, FieldError } from '@postern/errors';
import { signDkim } from '@postern/mime';
import { DeliveryScheduler } from './delivery-scheduler';
import { addressKey, domainKey, domainOf, recordEvent } from '@postern/events';
import { SendRequest, SendResult } from './send.types';

/** How long an Idempotency-Key's first answer is replayed. */
const IDEMPOTENCY_HOURS = 24;

/** Sender checks are cached briefly: a busy sender does not re-read its domain and keys per message. */
const SENDER_CACHE_MS = 5_000;

/** What a From address resolves to: its domain and the keys that sign for it. */
export interface SenderDomain {
  domain: Domain;
  keys: DkimKey[];
}

/**
 * Accepts messages for sending (send API and submission): checks the sender, size, limits
 * and suppressions, signs, and stores the blob, the message and one queue row per recipient
 * in one transaction before answering. Jobs are enqueued after the commit; if Redis misses
 * them, the reconciler finds the rows.
 */
@Injectable()
export class OutboundService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeliveryScheduler) private readonly scheduler: DeliveryScheduler,
  ) {}

  private readonly senders = new Map<string, { sender: SenderDomain; expires: number }>();

  /**
   * The account may send as `from` when it owns an address on that domain. Results are
   * cached for a few seconds, so disabling a domain or account takes effect within that time.
   */
  async checkSender(accountId: string, from: string): Promise<SenderDomain> {
    const parsed = parseAddress(from);
    const key = `${accountId}\0${parsed.domain.ascii}`;
    const cached = this.senders.get(key);
    if (cached && cached.expires > Date.now()) return cached.sender;
    const sender = await this.loadSender(accountId, from, parsed.domain.ascii);
    if (this.senders.size > 10_000) this.senders.clear();
    this.senders.set(key, { sender, expires: Date.now() + SENDER_CACHE_MS });
    return sender;
  }

  private async loadSender(accountId: string, from: string, domainName: string): Promise<SenderDomain> {
    const account = await this.db.getRepository(Account).findOneBy({ id: accountId });
    if (!account || account.disabled) throw new DomainError(ErrorCode.Forbidden, 'this account is disabled and may not send');
    const domain = await this.db.getRepository(Domain).findOne({ where: { name: domainName }, relations: { dkimKeys: true } });
    const owns =
      domain !== null &&
      (await this.db.query<unknown[]>('SELECT 1 FROM addresses WHERE account_id = $1 AND domain_id = $2 LIMIT 1', [accountId, domain.id]))
        .length > 0;
    if (!domain || !owns) {
      throw new DomainError(ErrorCode.FromNotAllowed, `this account has no address on '${domainName}', so it may not send as '${from}'`);
    }
    if (domain.disabled) throw new DomainError(ErrorCode.DomainDisabled, `domain '${domain.name}' is disabled`);
    return { domain, keys: (domain.dkimKeys ?? []).filter((k) => k.active) };
  }

  /** Parses and de-duplicates envelope recipients; every bad one is named. */
  parseRecipients(recipients: string[]): string[] {
    const errors: FieldError[] = [];
    const seen = new Map<string, string>();
    recipients.forEach((raw, i) => {
      try {
        const parsed = parseAddress(raw);
        const address = `${parsed.localpart}@${parsed.domain.ascii}`;
        if (!seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
      } catch (err) {
        errors.push({ field: `recipients[${i}]`, message: err instanceof Error ? err.message : String(err) });
      }
    });
    if (errors.length > 0) throw new DomainError(ErrorCode.InvalidAddress, errors.map((e) => e.message).join('; '), errors);
    if (seen.size === 0) throw new DomainError(ErrorCode.NoRecipients, 'the message has no recipients (to, cc or bcc)');
    return [...seen.values()];
  }

  async send(request: SendRequest): Promise<SendResult> {
    const limit = this.config.delivery.maxMessageBytes;
    if (request.message.length > limit) {
      throw new DomainError(
        ErrorCode.MessageTooLarge,
        `the message is ${request.message.length} bytes; the limit is ${limit} (POSTERN_MAX_MESSAGE_SIZE)`,
      );
    }
    const recipients = this.parseRecipients(request.recipients);
    const sender = request.sender ?? (await this.checkSender(request.accountId, request.fromAddress));
    const signed = sender.keys.length
      ? await signDkim(
          request.message,
          sender.keys.map((k) => ({ domain: sender.domain.name, selector: k.selector, algorithm: k.algorithm, privateKey: k.privateKey })),
        )
      : request.message;
    if (signed.length > limit) {
      throw new DomainError(
        ErrorCode.MessageTooLarge,
        `the signed message is ${signed.length} bytes; the limit is ${limit} (POSTERN_MAX_MESSAGE_SIZE)`,
      );
    }
    const { result, queued } = await this.db.transaction(async (tx) => {
      if (request.idempotency) {
        const replay = await this.claimIdempotencyKey(tx, request.accountId, request.idempotency);
        if (replay) return { result: replay, queued: [] };
      }
      const stored = await this.store(tx, request, recipients, signed, sender.domain);
      if (request.idempotency) {
        await tx.query('UPDATE idempotency_keys SET response = $3 WHERE account_id = $1 AND key = $2', [
          request.accountId,
          request.idempotency.key,
          JSON.stringify(stored.result),
        ]);
      }
      return stored;
    });
    await this.scheduler.enqueue(queued);
    return result;
  }

  /**
   * Takes the key for this request, or returns the first answer. Concurrent requests with
   * one key serialise on the primary key: the second waits for the first to commit, then
   * sees its row (RFC draft-ietf-httpapi-idempotency-key-header).
   */
  private async claimIdempotencyKey(
    tx: EntityManager,
    accountId: string,
    idem: { key: string; requestHash: string },
  ): Promise<SendResult | null> {
    const claimed = await tx.query<unknown[]>(
      `INSERT INTO idempotency_keys (account_id, key, request_hash, response) VALUES ($1, $2, $3, 'null')
       ON CONFLICT (account_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, response = 'null', created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(hours => ${IDEMPOTENCY_HOURS})
       RETURNING key`,
      [accountId, idem.key, idem.requestHash],
    );
    if (claimed.length > 0) return null;
    const [row] = await tx.query<{ request_hash: string; response: SendResult }[]>(
      'SELECT request_hash, response FROM idempotency_keys WHERE account_id = $1 AND key = $2',
      [accountId, idem.key],
    );
    if (row.request_hash !== idem.requestHash) {
      throw new DomainError(
        ErrorCode.IdempotencyKeyReused,
        `Idempotency-Key '${idem.key}' was used within ${IDEMPOTENCY_HOURS} hours for a different request`,
      );
    }
    return row.response;
  }

  private async store(
    tx: EntityManager,
    request: SendRequest,
    recipients: string[],
    data: Buffer,
    domain: Domain,
  ): Promise<{ result: SendResult; queued: QueuedRecipient[] }> {
    const account = await tx.getRepository(Account).findOneByOrFail({ id: request.accountId });
    const suppressed = await this.suppressedKeys(tx, request.accountId, recipients);
    const holds = await tx
      .getRepository(HoldRule)
      .createQueryBuilder('h')
      .where('(h.account_id IS NULL OR h.account_id = :account)', { account: request.accountId })
      .andWhere('(h.sender_domain IS NULL OR h.sender_domain = :sender)', { sender: domain.name })
      .getMany();

    const blob = tx.getRepository(MessageBlob).create({ data, size: data.length });
    await tx.getRepository(MessageBlob).insert(blob);
    const [local] = request.fromAddress.split('@');
    const separator = domain.catchallSeparator;
    const message = tx.getRepository(OutboundMessage).create({
      accountId: request.accountId,
      source: request.source,
      fromAddress: request.fromAddress,
      // A unique envelope sender lets a late bounce find this message (issue: VERP-style).
      mailFrom: separator ? `${local}${separator}${randomBytes(8).toString('hex')}@${domain.name}` : request.fromAddress,
      messageIdHeader: request.messageIdHeader,
      subject: request.subject,
      size: data.length,
      blobId: blob.id,
      extra: request.extra ?? {},
      tags: request.tags ?? [],
      requireTls: request.requireTls ?? null,
      sendAt: request.sendAt ?? null,
    });
    await tx.getRepository(OutboundMessage).insert(message);

    const now = new Date();
    const rows = recipients.map((address) => {
      const recipientDomain = domainOf(address);
      let status: RecipientStatus = 'queued';
      if (suppressed.has(addressKey(address)) || suppressed.has(domainKey(recipientDomain))) status = 'suppressed';
      else if (holds.some((h) => h.recipientDomain === null || h.recipientDomain === recipientDomain)) status = 'held';
      return tx.getRepository(QueuedRecipient).create({
        messageId: message.id,
        accountId: request.accountId,
        address,
        domain: recipientDomain,
        status,
        nextAttemptAt: request.sendAt && request.sendAt > now ? request.sendAt : now,
        retiredAt: status === 'suppressed' ? now : null,
      });
    });
    await tx.getRepository(QueuedRecipient).insert(rows);

    for (const r of rows.filter((r) => r.status === 'suppressed')) {
      await recordEvent(tx, 'message.suppressed', message, r, { suppressed: true });
    }

    await this.countAgainstLimits(
      tx,
      account,
      rows.filter((r) => r.status !== 'suppressed').map((r) => addressKey(r.address)),
    );
    return {
      result: {
        id: message.id,
        messageId: message.messageIdHeader,
        recipients: rows.map((r) => ({ id: r.id, address: r.address, status: r.status })),
      },
      queued: rows.filter((r) => r.status === 'queued'),
    };
  }

  private async suppressedKeys(tx: EntityManager, accountId: string, recipients: string[]): Promise<Set<string>> {
    const keys = [...new Set(recipients.flatMap((a) => [addressKey(a), domainKey(domainOf(a))]))];
    const rows = await tx.query<{ address_key: string }[]>(
      `SELECT address_key FROM suppressions WHERE account_id = $1 AND address_key = ANY($2::text[])
         AND (expires_at IS NULL OR expires_at > now())`,
      [accountId, keys],
    );
    return new Set(rows.map((r) => r.address_key));
  }

  /**
   * Counts the message and its first-time recipients against today's (UTC) limits. The
   * counter row is updated last, so concurrent sends of one account hold its lock briefly.
   */
  private async countAgainstLimits(tx: EntityManager, account: Account, keys: string[]): Promise<void> {
    const fresh = keys.length
      ? await tx.query<unknown[]>(
          `INSERT INTO account_recipients (account_id, address_key) SELECT $1, unnest($2::text[])
           ON CONFLICT DO NOTHING RETURNING address_key`,
          [account.id, keys],
        )
      : [];
    const [counter] = await tx.query<{ messages: number; first_time_recipients: number }[]>(
      `INSERT INTO send_counters (account_id, day, messages, first_time_recipients)
       VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 1, $2)
       ON CONFLICT (account_id, day) DO UPDATE SET messages = send_counters.messages + 1,
         first_time_recipients = send_counters.first_time_recipients + EXCLUDED.first_time_recipients
       RETURNING messages, first_time_recipients`,
      [account.id, fresh.length],
    );
    if (counter.messages > account.messagesPerDay) {
      throw new DomainError(
        ErrorCode.SendLimitReached,
        `account '${account.name}' has sent its ${account.messagesPerDay} messages for today (UTC); the limit is the account's messagesPerDay`,
      );
    }
    // Only a send that adds first-time recipients can break that limit; known addresses always pass.
    if (fresh.length > 0 && counter.first_time_recipients > account.firstTimeRecipientsPerDay) {
      throw new DomainError(
        ErrorCode.SendLimitReached,
        `account '${account.name}' has reached its ${account.firstTimeRecipientsPerDay} first-time recipients for today (UTC); the limit is the account's firstTimeRecipientsPerDay`,
      );
    }
  }
}
