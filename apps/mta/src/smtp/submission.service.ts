import { Inject, Injectable } from '@nestjs/common';
import { AddressesService, AliasesService, parseAddress } from '@postern/domains';
import { DomainError, ErrorCode } from '@postern/errors';
import { MimeError, generateMessageId, readHeaders } from '@postern/mime';
import { OutboundService } from '@postern/outbound';
import { SmtpReplyError, type SmtpEnvelope, type SmtpSessionHooks, type SmtpSessionInfo } from '@postern/smtp';
import { readSubmittedHeaders } from './submission-headers';

/** Send errors as SMTP replies (RFC 3463 codes); the DomainError's text names the limit and its setting. */
const REPLIES: Partial<Record<ErrorCode, [number, string]>> = {
  [ErrorCode.SendLimitReached]: [451, '4.7.1'],
  [ErrorCode.FromNotAllowed]: [550, '5.7.0'],
  [ErrorCode.Forbidden]: [550, '5.7.1'],
  [ErrorCode.DomainDisabled]: [550, '5.7.1'],
  [ErrorCode.MessageTooLarge]: [552, '5.3.4'],
  [ErrorCode.InvalidAddress]: [553, '5.1.3'],
  [ErrorCode.NoRecipients]: [553, '5.1.3'],
  [ErrorCode.InvalidMessage]: [550, '5.6.0'],
};

function replyFor(err: DomainError): SmtpReplyError {
  const reply = REPLIES[err.code];
  // Anything else is ours to fix, not the client's: temporary, logged as an error.
  return reply
    ? new SmtpReplyError(reply[0], reply[1], err.message)
    : new SmtpReplyError(451, '4.3.0', `${err.message}; try again later`, false);
}

/**
 * Submission (RFC 6409) on 587/465: an authenticated account's message goes to the same
 * OutboundService.send as `POST /v1/messages/raw`, so DKIM, limits, suppressions and routes
 * apply alike. The From header must be one of the account's addresses, or an alias whose
 * members may send as it and that has one of them.
 */
@Injectable()
export class SubmissionService implements SmtpSessionHooks {
  constructor(
    @Inject(OutboundService) private readonly outbound: OutboundService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
    @Inject(AliasesService) private readonly aliases: AliasesService,
  ) {}

  /** Whether the account may put `from` in the From header. */
  async mayUseFrom(accountId: string, from: string): Promise<boolean> {
    const address = await this.addresses.find(from);
    if (address) return address.accountId === accountId;
    const alias = await this.aliases.get(from).catch(() => null);
    if (alias) return alias.allowAsFrom && (alias.members ?? []).some((m) => m.address?.accountId === accountId);
    let domain: string;
    try {
      domain = parseAddress(from).domain.ascii;
    } catch {
      return false;
    }
    // The catch-all's owner receives every other address of the domain, so may send as them.
    const catchAll = await this.addresses.find(`@${domain}`);
    return catchAll?.accountId === accountId;
  }

  checkRecipient(_session: SmtpSessionInfo, address: string): Promise<void> {
    try {
      this.outbound.parseRecipients([address]);
    } catch (err) {
      if (err instanceof DomainError) return Promise.reject(replyFor(err));
      throw err;
    }
    return Promise.resolve();
  }

  async onMessage(session: SmtpSessionInfo, envelope: SmtpEnvelope, raw: Buffer): Promise<{ queueId: string }> {
    const user = session.user;
    if (!user) throw new SmtpReplyError(530, '5.7.0', 'Authentication required');
    const submitted = readSubmittedHeaders(raw);
    let headers;
    try {
      headers = readHeaders(submitted.message);
    } catch (err) {
      throw new SmtpReplyError(550, '5.6.0', err instanceof MimeError ? err.message : 'the message header cannot be parsed');
    }
    if (headers.from.length !== 1)
      throw new SmtpReplyError(550, '5.6.0', `the message must have exactly one From address, found ${headers.from.length}`);
    const from = headers.from[0].address;
    if (!(await this.mayUseFrom(user.accountId, from))) {
      throw new SmtpReplyError(550, '5.7.0', `${user.username} may not send as <${from}>: not an address of this account`);
    }
    try {
      const sender = await this.outbound.checkSender(user.accountId, from);
      // RFC 6409 8.3, 8.6: the submission server adds a missing Message-ID and Date.
      const added: string[] = [];
      const messageId = headers.messageId ?? generateMessageId(sender.domain.name);
      if (!headers.messageId) added.push(`Message-ID: ${messageId}\r\n`);
      if (!submitted.hasDate) added.push(`Date: ${new Date().toUTCString().replace('GMT', '+0000')}\r\n`);
      const message = added.length ? Buffer.concat([Buffer.from(added.join('')), submitted.message]) : submitted.message;
      // RFC 8689: REQUIRETLS on MAIL FROM requires TLS all the way; TLS-Required: No waives it.
      const requireTls = envelope.mailFrom.params.REQUIRETLS === true ? true : submitted.tlsRequiredNo ? false : null;
      const result = await this.outbound.send({
        accountId: user.accountId,
        source: 'submission',
        sender,
        message,
        fromAddress: from,
        recipients: envelope.recipients,
        messageIdHeader: messageId,
        subject: headers.subject,
        extra: submitted.extra,
        requireTls,
        sendAt: envelope.mailFrom.holdUntil ?? null,
      });
      return { queueId: result.id };
    } catch (err) {
      if (err instanceof DomainError) throw replyFor(err);
      throw err;
    }
  }
}
