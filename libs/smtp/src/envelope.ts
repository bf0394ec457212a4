import type { SmtpExtensions } from './extensions';

/** RFC 5321 4.5.2: a line starting with "." gets another "."; the data ends with CRLF.CRLF. */
export function dotStuff(data: Buffer): Buffer {
  let text = data.toString('latin1');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(`${text.replace(/^\./gm, '..')}.\r\n`, 'latin1');
}

export const hasNonAscii = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) > 0x7f);

/** RFC 3461 4: xtext, "+" and hex for "+", "=" and anything outside printable ASCII. */
export function xtext(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) =>
      b < 0x21 || b > 0x7e || b === 0x2b || b === 0x3d ? `+${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b),
    )
    .join('');
}

/** The MAIL FROM parameters this transaction needs, given what the server offers. */
export function mailParameters(
  ext: SmtpExtensions,
  tx: { data: Buffer; utf8: boolean; requireTls?: boolean; envelopeId?: string },
): string[] {
  const params: string[] = [];
  // RFC 1870 6: declare the size whenever SIZE is advertised, with or without a limit.
  if (ext.raw.has('SIZE')) params.push(`SIZE=${tx.data.length}`);
  // RFC 6152 2: BODY=8BITMIME only when the content has octets above 127.
  if (ext.eightBitMime && tx.data.some((b) => b > 127)) params.push('BODY=8BITMIME');
  // RFC 6531 3.4: SMTPUTF8 when the envelope has non-ASCII addresses.
  if (tx.utf8) params.push('SMTPUTF8');
  // RFC 8689 4.1.
  if (tx.requireTls) params.push('REQUIRETLS');
  // RFC 3461 4.4: ENVID only to servers that offer DSN.
  if (tx.envelopeId && ext.raw.has('DSN')) params.push(`ENVID=${xtext(tx.envelopeId)}`);
  return params;
}
