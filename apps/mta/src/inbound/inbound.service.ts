import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DNSResolver } from 'mailauth';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { DomainError, ErrorCode } from '@postern/errors';
import { BounceMatcherService } from '@postern/events';
import { MailStore, normalizeMailboxName, type MailboxInfo } from '@postern/mailstore';
import { parseBounce, parseHeaderFields, parseReceivedMessage } from '@postern/mime';
import type { HeaderField } from '@postern/mime';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { SmtpEnvelope, SmtpReplyError, SmtpSessionHooks, SmtpSessionInfo } from '@postern/smtp';
import { AuthSummary, authLine, authenticateMessage, mailauthResolver } from './authentication';
import { MailboxRulesReader, matchRule } from './mailbox-rules';
import { recordReceived } from './received-event';
import { DeliveryTarget, RecipientResolver, ResolvedRecipient } from './recipients';
import { SenderReputationService, reputationLine } from './reputation.service';
import { receivedHeader, stripForgedHeaders } from './trace-headers';

/** Injection token of mailauth's DNS resolver (tests point it at their DNS server). */
export const INBOUND_RESOLVER = Symbol('INBOUND_RESOLVER');

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** RFC 3463 4.2.2: mailbox full, a temporary condition. */
const overQuota = (address: string) => new SmtpReplyError(452, '4.2.2', `<${address}>: mailbox full, try again later`);

/**
 * The MX's decisions: who a recipient is (RCPT TO), and at the end of DATA, SPF, DKIM,
 * DMARC and ARC, the trace and decision headers, bounces to the bounce matcher, and
 * delivery into each receiving account's mailbox with a `message.received` event.
 */
@Injectable()
export class InboundService implements SmtpSessionHooks {
  private readonly resolver: DNSResolver;
  /** Messages per remote IP in the current minute, for X-Postern-Reason. */
  private readonly rate = new Map<string, { minute: number; count: number }>();
  /** What RCPT TO resolved, per session and sender, so DATA does not look it up again. */
  private readonly accepted = new Map<string, { at: number; recipients: Map<string, ResolvedRecipient> }>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MailStore) private readonly store: MailStore,
    @Inject(BounceMatcherService) private readonly bounces: BounceMatcherService,
    @Inject(RecipientResolver) private readonly recipients: RecipientResolver,
    @Inject(SenderReputationService) private readonly reputation: SenderReputationService,
    @Inject(MailboxRulesReader) private readonly rules: MailboxRulesReader,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(INBOUND_RESOLVER) resolver?: DNSResolver,
  ) {
    this.resolver = resolver ?? mailauthResolver(config.delivery.dnsServers);
  }

  async checkRecipient(session: SmtpSessionInfo, address: string, envelope: SmtpEnvelope): Promise<void> {
    let resolved: ResolvedRecipient;
    try {
      resolved = await this.recipients.resolve(address, envelope.mailFrom.address);
    } catch (err) {
      // A pause before "no such user" makes harvesting addresses by RCPT TO slow.
      if (err instanceof SmtpReplyError && err.enhanced === '5.1.1') await sleep(this.config.inbound.unknownRecipientDelayMs);
      throw err;
    }
    for (const accountId of new Set(resolved.targets.map((t) => t.accountId))) {
      if (await this.overQuota(accountId, 0)) throw overQuota(address);
    }
    const key = acceptedKey(session, envelope.mailFrom.address);
    const entry = this.accepted.get(key) ?? { at: Date.now(), recipients: new Map<string, ResolvedRecipient>() };
    entry.recipients.set(address, resolved);
    if (this.accepted.size > 10_000) this.pruneAccepted();
    this.accepted.set(key, entry);
  }

  async onMessage(session: SmtpSessionInfo, envelope: SmtpEnvelope, data: Buffer): Promise<{ queueId?: string }> {
    const log = this.logger.child({ connection: session.id });
    const mailFrom = envelope.mailFrom.address;
    const resolved: ResolvedRecipient[] = [];
    const key = acceptedKey(session, mailFrom);
    const cached = this.accepted.get(key)?.recipients;
    this.accepted.delete(key);
    for (const rcpt of envelope.recipients) {
      try {
        resolved.push(cached?.get(rcpt) ?? (await this.recipients.resolve(rcpt, mailFrom)));
      } catch (err) {
        // Accepted at RCPT and gone since (an address deleted in between): nobody to deliver to.
        log.warn({ recipient: rcpt, err }, 'recipient no longer resolves');
      }
    }
    const raw = stripForgedHeaders(data, this.config.hostname);
    let auth: AuthSummary;
    try {
      // Verified as received: a DKIM signature may cover the fields stripped below.
      auth = await authenticateMessage({
        raw: data,
        ip: session.remoteAddress,
        helo: session.clientHostname,
        mailFrom,
        hostname: this.config.hostname,
        resolver: this.resolver,
      });
    } catch (err) {
      log.error({ err }, 'message authentication failed');
      throw new SmtpReplyError(451, '4.3.0', 'temporary failure checking the message, try again later', false);
    }
    const senderDomain = auth.fromDomain ?? (mailFrom.includes('@') ? mailFrom.slice(mailFrom.lastIndexOf('@') + 1).toLowerCase() : null);
    const known = senderDomain ? await this.reputation.get(senderDomain) : null;
    const rate = this.countRate(session.remoteAddress);
    const why = `${authLine(auth)}; ${reputationLine(senderDomain, known)}; rate=${rate}/min from ${session.remoteAddress}`;

    if (auth.reject) {
      if (senderDomain) await this.reputation.record(senderDomain, { authenticated: false, outcome: 'rejected', result: authLine(auth) });
      log.info({ reason: why }, 'rejected by DMARC policy');
      // RFC 7489 10.3: reject with 5.7.1 during the SMTP transaction.
      throw new SmtpReplyError(550, '5.7.1', `DMARC policy of ${auth.dmarc.domain ?? senderDomain} rejects this message (${why})`);
    }

    // DSNs and complaints to a message's unique envelope sender are the bounce matcher's.
    let deliverTo = resolved;
    if (resolved.some((r) => r.kind === 'bounce')) {
      const bounce = await parseBounce(raw);
      if (bounce.kind === 'dsn' || bounce.kind === 'complaint') {
        for (const r of resolved.filter((x) => x.kind === 'bounce')) {
          const outcome = await this.bounces.handle(r.recipient, raw, bounce);
          log.info({ recipient: r.recipient, ...outcome }, 'bounce matched');
        }
        deliverTo = resolved.filter((r) => r.kind !== 'bounce');
      }
    }

    // Each account gets one copy, however many of its addresses (or aliases) were named.
    const byAccount = new Map<string, { targets: DeliveryTarget[]; recipients: string[] }>();
    for (const r of deliverTo) {
      for (const target of r.targets) {
        const entry = byAccount.get(target.accountId) ?? { targets: [], recipients: [] };
        entry.targets.push(target);
        if (!entry.recipients.includes(r.recipient)) entry.recipients.push(r.recipient);
        byAccount.set(target.accountId, entry);
      }
    }
    for (const [accountId, entry] of byAccount) {
      if (await this.overQuota(accountId, raw.length)) throw overQuota(entry.recipients[0]);
    }

    const headers = safeHeaders(raw);
    const parsed = await parseReceivedMessage(raw, { mailFrom });
    const now = new Date();
    let junkAnywhere = false;
    const stored: string[] = [];
    for (const [accountId, entry] of byAccount) {
      const { mailbox, why: filed, junk } = await this.chooseMailbox(accountId, auth, mailFrom, headers);
      junkAnywhere ||= junk;
      // One header line: nothing a sender controls may end it early.
      const reason = `accepted; mailbox=${mailbox.name} (${filed}); ${why}`.replace(/[\r\n\0]+/g, ' ');
      const message = Buffer.concat([
        Buffer.from(
          // RFC 5321 4.4: the delivering server records the reverse path as Return-Path.
          `Return-Path: <${mailFrom}>\r\nX-Postern-Reason: ${reason}\r\n${auth.headers}` +
            receivedHeader({ session, hostname: this.config.hostname, recipients: entry.recipients, date: now }),
          'utf8',
        ),
        raw,
      ]);
      let appended;
      try {
        // The message.received event commits with the message: never one without the other.
        appended = await this.store.append(accountId, mailbox.id, [{ raw: message, internalDate: now }], {
          withinTransaction: (tx, [storedMessage]) =>
            recordReceived(tx, {
              accountId,
              message: storedMessage,
              mailboxName: mailbox.name,
              mailFrom,
              recipients: entry.recipients,
              parsed,
              auth,
              junk,
              reason,
            }),
        });
      } catch (err) {
        if (err instanceof DomainError && err.code === ErrorCode.QuotaExceeded) throw overQuota(entry.recipients[0]);
        throw err;
      }
      const storedMessage = appended.messages[0];
      stored.push(storedMessage.id);
      log.info({ accountId, mailbox: mailbox.name, messageId: storedMessage.id, reason }, 'message delivered');
    }
    if (senderDomain) {
      const outcome = junkAnywhere ? 'junk' : 'delivered';
      await this.reputation.record(senderDomain, { authenticated: auth.authenticated, outcome, result: authLine(auth) });
    }
    // A sender never seen before waits a little: spam runs rarely do (greylisting's idea, cheaper).
    if (!known) await sleep(this.config.inbound.firstTimeSenderDelayMs);
    return { queueId: stored[0] ?? session.id };
  }

  private async chooseMailbox(
    accountId: string,
    auth: AuthSummary,
    mailFrom: string,
    headers: HeaderField[],
  ): Promise<{ mailbox: MailboxInfo; why: string; junk: boolean }> {
    // One SELECT; the defaults are created on the account's first message.
    const mailboxes = await this.store.listMailboxes(accountId);
    // listMailboxes creates INBOX (with the other defaults) when the account lacks it.
    const inbox = mailboxes.find((m) => m.name === 'INBOX')!;
    if (auth.quarantine) {
      const junk = mailboxes.find((m) => m.specialUse === '\\Junk');
      if (junk) return { mailbox: junk, why: 'dmarc policy quarantine', junk: true };
    }
    const rule = matchRule(await this.rules.forAccount(accountId), { mailFrom, headers });
    if (rule) {
      const target = mailboxes.find((m) => m.name === storedName(rule.mailboxName));
      if (target) return { mailbox: target, why: `rule ${rule.id}`, junk: target.specialUse === '\\Junk' };
    }
    return { mailbox: inbox, why: 'default', junk: false };
  }

  private async overQuota(accountId: string, adding: number): Promise<boolean> {
    const quota = await this.store.quota(accountId);
    if (quota.limitBytes <= 0) return false;
    return adding === 0 ? quota.usedBytes >= quota.limitBytes : quota.usedBytes + adding > quota.limitBytes;
  }

  private pruneAccepted(): void {
    // Sessions that never reached DATA (RSET, QUIT, a dropped connection).
    const cutoff = Date.now() - 30 * 60_000;
    for (const [key, entry] of this.accepted) if (entry.at < cutoff) this.accepted.delete(key);
  }

  private countRate(ip: string): number {
    const minute = Math.floor(Date.now() / 60_000);
    const entry = this.rate.get(ip);
    if (!entry || entry.minute !== minute) {
      if (this.rate.size > 10_000) this.rate.clear();
      this.rate.set(ip, { minute, count: 1 });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  }
}

const acceptedKey = (session: SmtpSessionInfo, mailFrom: string) => `${session.id}\u0000${mailFrom}`;

function safeHeaders(raw: Buffer): HeaderField[] {
  try {
    return parseHeaderFields(raw).fields;
  } catch {
    return [];
  }
}

/** A rule's mailbox name as the store spells it; null when it is not a valid name. */
function storedName(name: string): string | null {
  try {
    return normalizeMailboxName(name);
  } catch {
    return null;
  }
}
