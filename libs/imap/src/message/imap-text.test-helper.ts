// Test only: writes an ImapValue as IMAP text, every string quoted, so specs can compare
// ENVELOPE and BODYSTRUCTURE with what a server prints (after the same normalisation).
import type { ImapValue } from '../protocol/value';

const quote = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export function imapText(value: ImapValue): string {
  if (value === null) return 'NIL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return quote(value);
  if (Buffer.isBuffer(value)) return quote(value.toString('latin1'));
  if (Array.isArray(value)) return `(${value.map(imapText).join(' ')})`;
  // Written with SP between the items here; the specs compare after separating lists alike.
  if ('adjacent' in value) return value.adjacent.map(imapText).join(' ');
  return value.atom;
}

/** Lines joined with CRLF, as stored messages are. */
export const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');
