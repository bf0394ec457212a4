import { randomBytes } from 'node:crypto';
import type { MailAddress } from './compose';
import { normalizeCrlf } from './crlf';
import { assertHeaderValue } from './header-checks';
import { MimeError } from './mime-error';

export interface DsnRecipient {
  address: string;
  action: 'failed' | 'delayed' | 'delivered';
  /** Enhanced status code (RFC 3463), e.g. '5.1.1'. */
  status: string;
  /** Host name of the MTA that answered. */
  remoteMta?: string;
  /** With its type, e.g. 'smtp; 550 5.1.1 no such user'. */
  diagnostic?: string;
  lastAttemptDate?: Date;
  willRetryUntil?: Date;
}

export interface DsnInput {
  reportingMta: string;
  /** e.g. MAILER-DAEMON@host */
  from: MailAddress;
  to: string;
  originalMessageId?: string;
  originalEnvelopeId?: string;
  /** The header section of the message the report is about. */
  originalHeaders: Buffer;
  recipients: DsnRecipient[];
  arrivalDate?: Date;
  messageId: string;
}

const STATUS = /^[245]\.\d{1,3}\.\d{1,3}$/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * An RFC 3464 delivery status notification: multipart/report (RFC 6522) with a text part
 * for people, the machine-readable status, and the header section of the original.
 */
export function composeDsn(input: DsnInput): Buffer {
  if (input.recipients.length === 0) throw new MimeError('a DSN needs at least one recipient');
  const status = deliveryStatus(input);
  const original = originalHeaderSection(input.originalHeaders);
  // RFC 6533 3, 6: UTF-8 addresses or headers need the "global" variants of both parts.
  const global = NON_ASCII.test(status) || NON_ASCII.test(original.toString('latin1'));
  const boundary = `=_postern_report_${randomBytes(12).toString('hex')}`;
  const text = humanReadable(input);

  const head = [
    `From: ${formatAddress(input.from)}`,
    `To: <${checked('To', input.to)}>`,
    `Subject: ${subjectFor(input.recipients)}`,
    `Date: ${rfc5322Date(new Date())}`,
    `Message-ID: ${checked('Message-ID', input.messageId)}`,
    ...(input.originalMessageId
      ? [`In-Reply-To: ${checked('original Message-ID', input.originalMessageId)}`, `References: ${input.originalMessageId}`]
      : []),
    // RFC 3834 5: a report about a message is an automatic reply to it.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-formatted delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    NON_ASCII.test(text) ? 'Content-Transfer-Encoding: base64' : 'Content-Transfer-Encoding: 7bit',
    '',
    NON_ASCII.test(text)
      ? (
          Buffer.from(text)
            .toString('base64')
            .match(/.{1,76}/g) ?? []
        ).join('\r\n')
      : text,
    `--${boundary}`,
    `Content-Type: message/${global ? 'global-delivery-status' : 'delivery-status'}`,
    ...(global ? ['Content-Transfer-Encoding: 8bit'] : []),
    '',
    status,
    `--${boundary}`,
    `Content-Type: ${global ? 'message/global-headers' : 'text/rfc822-headers'}`,
    ...(global ? ['Content-Transfer-Encoding: 8bit'] : []),
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), original, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}

// RFC 3464 2.2 and 2.3: per-message fields, an empty line, then one block per recipient.
function deliveryStatus(input: DsnInput): string {
  const perMessage = [
    ...(input.originalEnvelopeId ? [field('Original-Envelope-Id', input.originalEnvelopeId)] : []),
    field('Reporting-MTA', `dns; ${input.reportingMta}`),
    ...(input.arrivalDate ? [field('Arrival-Date', rfc5322Date(input.arrivalDate))] : []),
  ];
  const perRecipient = input.recipients.map((r) => {
    if (!STATUS.test(r.status)) throw new MimeError(`invalid status code ${JSON.stringify(r.status)}`);
    // RFC 6533 3: an address that is not ASCII is typed utf-8 instead of rfc822.
    const addressType = NON_ASCII.test(r.address) ? 'utf-8' : 'rfc822';
    return [
      field('Final-Recipient', `${addressType}; ${r.address}`),
      field('Action', r.action),
      field('Status', r.status),
      ...(r.remoteMta ? [field('Remote-MTA', `dns; ${r.remoteMta}`)] : []),
      ...(r.diagnostic ? [field('Diagnostic-Code', r.diagnostic)] : []),
      ...(r.lastAttemptDate ? [field('Last-Attempt-Date', rfc5322Date(r.lastAttemptDate))] : []),
      ...(r.willRetryUntil ? [field('Will-Retry-Until', rfc5322Date(r.willRetryUntil))] : []),
    ].join('\r\n');
  });
  return [perMessage.join('\r\n'), ...perRecipient].join('\r\n\r\n') + '\r\n';
}

function humanReadable(input: DsnInput): string {
  const lines = [`This is the mail system at ${input.reportingMta}.`, ''];
  const groups: [DsnRecipient['action'], string][] = [
    ['failed', 'Your message could not be delivered to these recipients:'],
    ['delayed', 'Delivery to these recipients is delayed; the mail system keeps trying:'],
    ['delivered', 'Your message was delivered to these recipients:'],
  ];
  for (const [action, heading] of groups) {
    const recipients = input.recipients.filter((r) => r.action === action);
    if (recipients.length === 0) continue;
    lines.push(heading, '');
    for (const r of recipients) {
      lines.push(`  <${r.address}>`);
      if (r.remoteMta) lines.push(`    remote server: ${r.remoteMta}`);
      if (r.diagnostic) lines.push(`    reply: ${r.diagnostic.replace(/^[^;]*;\s*/, '')}`);
      if (r.willRetryUntil) lines.push(`    will retry until: ${rfc5322Date(r.willRetryUntil)}`);
    }
    lines.push('');
  }
  return lines.join('\r\n');
}

// RFC 6522 4: only the header section of the original, without the empty line ending it.
function originalHeaderSection(headers: Buffer): Buffer {
  const normal = normalizeCrlf(headers);
  const end = normal.indexOf('\r\n\r\n');
  if (end >= 0) return normal.subarray(0, end + 2);
  if (normal.length === 0 || normal.subarray(-2).toString('latin1') === '\r\n') return normal;
  return Buffer.concat([normal, Buffer.from('\r\n')]);
}

function subjectFor(recipients: DsnRecipient[]): string {
  if (recipients.some((r) => r.action === 'failed')) return 'Delivery Status Notification (Failure)';
  if (recipients.some((r) => r.action === 'delayed')) return 'Delivery Status Notification (Delay)';
  return 'Delivery Status Notification (Success)';
}

function field(name: string, value: string): string {
  return fold(`${name}: ${checked(name, value)}`);
}

function checked(what: string, value: string): string {
  assertHeaderValue(what, value);
  return value;
}

// RFC 5322 2.1.1 and 2.2.3: keep lines short by folding at whitespace.
function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > 78) {
    const at = rest.lastIndexOf(' ', 78);
    if (at <= 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out.join('\r\n');
}

function formatAddress({ address, name }: MailAddress): string {
  checked('From address', address);
  if (!name) return `<${address}>`;
  checked('From name', name);
  const display = NON_ASCII.test(name)
    ? `=?UTF-8?B?${Buffer.from(name).toString('base64')}?=` // RFC 2047 2
    : `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return `${display} <${address}>`;
}

/** RFC 5322 3.3 date-time with a numeric zone (DSN and trace headers). */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
