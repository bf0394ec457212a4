import { rfc5322Date } from '@postern/mime';
import type { SmtpSessionInfo } from '@postern/smtp';

/** Characters a header comment or domain literal cannot carry as is. */
const clean = (value: string) => value.replace(/[\r\n()\\]/g, '').slice(0, 200);

/**
 * Our trace field (RFC 5321 4.4): `from` the EHLO name with the reverse name and IP as a
 * TCP-info comment, `by` us, `with` the protocol (RFC 3848: ESMTP, ESMTPS with TLS, ...A
 * after AUTH), the TLS version and cipher as a comment, `id` the connection, and `for` the
 * recipient when there is one.
 */
export function receivedHeader(input: { session: SmtpSessionInfo; hostname: string; recipients: string[]; date: Date }): string {
  const { session } = input;
  const tcpInfo = `${session.reverseHostname ? `${clean(session.reverseHostname)} ` : ''}[${clean(session.remoteAddress)}]`;
  const protocol = `ESMTP${session.tls ? 'S' : ''}${session.user ? 'A' : ''}`;
  const lines = [
    `Received: from ${clean(session.clientHostname) || 'unknown'} (${tcpInfo})`,
    `\tby ${input.hostname} (Postern) with ${protocol} id ${clean(session.id)}`,
  ];
  if (session.tls) lines.push(`\t(version=${clean(session.tls.protocol)} cipher=${clean(session.tls.cipher)})`);
  if (input.recipients.length === 1) lines.push(`\tfor <${clean(input.recipients[0])}>`);
  lines[lines.length - 1] += ';';
  lines.push(`\t${rfc5322Date(input.date)}`);
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Removes header fields a sender must not be able to forge: our decision header, Return-Path, and
 * Authentication-Results claiming our authserv-id (RFC 8601 5: "MUST" delete or rename).
 */
export function stripForgedHeaders(raw: Buffer, hostname: string): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return raw;
  const section = raw.subarray(0, end + 2).toString('latin1');
  const fields = section.split(/\r\n(?![ \t])/).filter((f) => f.length > 0);
  const forged = (field: string) => {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    // RFC 5321 4.4: Return-Path is the delivering server's to add; one from the sender is not the envelope's.
    if (name === 'x-postern-reason' || name === 'return-path') return true;
    if (name !== 'authentication-results') return false;
    const authservId = field
      .slice(colon + 1)
      .replace(/\([^)]*\)/g, '')
      .trim()
      .split(/[;\s]/)[0]
      ?.toLowerCase();
    return authservId === hostname.toLowerCase();
  };
  const kept = fields.filter((f) => !forged(f));
  if (kept.length === fields.length) return raw;
  return Buffer.concat([Buffer.from(kept.map((f) => `${f}\r\n`).join(''), 'latin1'), raw.subarray(end + 2)]);
}
