import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, FieldError } from '@postern/errors';
import { MimeError, composeMessage, generateMessageId, normalizeCrlf, readHeaders } from '@postern/mime';
import { OutboundService, SendRequest } from '@postern/outbound';
import { RawMessageQueryDto, SendMessageDto } from './dto/send-message.dto';

const MAX_SCHEDULE_DAYS = 60;
/** RFC 5322 2.2: a field name is printable ASCII except the colon. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** Headers the composer owns; setting them by hand would contradict the structured fields. */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'dkim-signature',
]);

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, `${field}: ${message}`, [{ field, message }]);
}

function bracket(id: string): string {
  return id.startsWith('<') ? id : `<${id}>`;
}

function parseSendAt(raw: string | undefined, field: string): Date | null {
  if (raw === undefined) return null;
  const at = new Date(raw);
  if (at.getTime() > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) throw invalid(field, `must be at most ${MAX_SCHEDULE_DAYS} days ahead`);
  return at;
}

/** Turns the two send endpoints' input into a SendRequest: validation, MIME composition, envelope. */
@Injectable()
export class SendComposer {
  constructor(@Inject(OutboundService) private readonly outbound: OutboundService) {}

  async fromJson(accountId: string, body: SendMessageDto): Promise<SendRequest> {
    if (body.text === undefined && body.html === undefined) throw invalid('text', 'text or html is required');
    const errors: FieldError[] = [];
    (body.headers ?? []).forEach((h, i) => {
      if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string') {
        errors.push({ field: `headers[${i}]`, message: 'must be a [name, value] pair of strings' });
      } else if (!HEADER_NAME.test(h[0])) errors.push({ field: `headers[${i}]`, message: `'${h[0]}' is not a valid header name` });
      else if (RESERVED_HEADERS.has(h[0].toLowerCase()))
        errors.push({ field: `headers[${i}]`, message: `${h[0]} is set by its own field` });
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      else if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(h[1]))
        errors.push({ field: `headers[${i}]`, message: `the value of ${h[0]} contains control characters` });
    });
    for (const [k, v] of Object.entries(body.extra ?? {})) {
      if (typeof v !== 'string') errors.push({ field: `extra.${k}`, message: 'values must be strings' });
    }
    if (errors.length > 0)
      throw new DomainError(ErrorCode.ValidationFailed, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);

    // Checked before composing: a sender that may not send gets 403 without any work done.
    const sender = await this.outbound.checkSender(accountId, body.from.address);
    const recipients = this.outbound.parseRecipients([...(body.to ?? []), ...(body.cc ?? []), ...(body.bcc ?? [])].map((a) => a.address));
    const messageId = body.messageId ? bracket(body.messageId) : generateMessageId(sender.domain.name);
    const message = await composeMessage({
      from: body.from,
      to: body.to,
      cc: body.cc,
      replyTo: body.replyTo,
      subject: body.subject,
      text: body.text,
      html: body.html,
      headers: body.headers,
      attachments: body.attachments?.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content, 'base64'),
        contentId: a.contentId,
        disposition: a.disposition ?? 'attachment',
      })),
      messageId,
      inReplyTo: body.inReplyTo ? bracket(body.inReplyTo) : undefined,
      references: body.references?.map(bracket),
      requireTlsNo: body.requireTls === false,
    }).catch((err: unknown) => {
      // The DTO checks catch nearly everything; the composer's own checks are the last line.
      if (err instanceof MimeError) throw new DomainError(ErrorCode.InvalidMessage, err.message);
      throw err;
    });
    return {
      accountId,
      source: 'api',
      sender,
      message,
      fromAddress: body.from.address,
      recipients,
      messageIdHeader: messageId,
      subject: body.subject ?? null,
      extra: body.extra,
      tags: body.tags,
      requireTls: body.requireTls ?? null,
      sendAt: parseSendAt(body.sendAt, 'sendAt'),
    };
  }

  async fromRaw(accountId: string, raw: Buffer, query: RawMessageQueryDto): Promise<SendRequest> {
    const message = normalizeCrlf(raw);
    let headers;
    try {
      headers = readHeaders(message);
    } catch (err) {
      throw new DomainError(ErrorCode.InvalidMessage, err instanceof MimeError ? err.message : 'the message header cannot be parsed');
    }
    if (headers.from.length !== 1) {
      throw new DomainError(ErrorCode.InvalidMessage, `the message must have exactly one From address, found ${headers.from.length}`);
    }
    const from = headers.from[0].address;
    await this.outbound.checkSender(accountId, from);
    if (query.from && query.from.toLowerCase() !== from.toLowerCase()) await this.outbound.checkSender(accountId, query.from);
    const to = (Array.isArray(query.to) ? query.to : [query.to])
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
    if (!headers.messageId) throw new DomainError(ErrorCode.InvalidMessage, 'the message has no Message-ID header');
    return {
      accountId,
      source: 'raw',
      message,
      fromAddress: query.from ?? from,
      recipients: to,
      messageIdHeader: headers.messageId,
      subject: headers.subject,
      tags: query.tags
        ?.split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      requireTls: query.requireTls === undefined ? null : query.requireTls === 'true',
      sendAt: parseSendAt(query.sendAt, 'sendAt'),
    };
  }
}
