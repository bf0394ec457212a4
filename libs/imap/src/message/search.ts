import { parseAddressList } from './address';
import { decodeCharset, decodeTransfer } from './decode';
import { decodeEncodedWords } from './encoded-words';
import { fieldValues, firstValue } from './headers';
import { param } from './params';
import { isMessageType } from './parse';
import type { MimePart } from './types';

/** Values of the message's header fields named `name`: unfolded, encoded words decoded. */
export function headerValues(tree: MimePart, name: string): string[] {
  return fieldValues(tree.headers, name).map(decodeEncodedWords);
}

const contains = (haystack: string, needle: string): boolean => haystack.toLowerCase().includes(needle.toLowerCase());

/**
 * SEARCH HEADER field string (RFC 9051 6.4.4): the message has the field and its value
 * contains the string, case-insensitively (decoded or as written). An empty string
 * matches every message that has the field.
 */
export function matchesHeader(_raw: Buffer, tree: MimePart, field: string, needle: string): boolean {
  const values = fieldValues(tree.headers, field);
  return values.some((v) => needle === '' || contains(v, needle) || contains(decodeEncodedWords(v), needle));
}

/** One address of FROM/TO/CC/BCC, for SEARCH and for callers that show addresses. */
export interface SearchAddress {
  /** Display name, encoded words decoded; null when there is none. */
  name: string | null;
  /** `mailbox@host`, or the mailbox alone when the host is missing. */
  address: string;
}

/** The addresses of header `field` (From, To, Cc, Bcc, ...), groups flattened. */
export function addresses(tree: MimePart, field: string): SearchAddress[] {
  const out: SearchAddress[] = [];
  for (const value of fieldValues(tree.headers, field)) {
    for (const a of parseAddressList(value)) {
      if (a.host === null) continue; // group start and end markers
      out.push({ name: a.name === null ? null : decodeEncodedWords(a.name), address: `${a.mailbox}@${a.host}` });
    }
  }
  return out;
}

/**
 * SEARCH FROM/TO/CC/BCC string (RFC 9051 6.4.4): the string is in the field, as written,
 * decoded, or in one of its addresses (name or `mailbox@host`), case-insensitively.
 */
export function matchesAddress(tree: MimePart, field: string, needle: string): boolean {
  const values = fieldValues(tree.headers, field);
  if (values.length === 0) return false;
  if (needle === '') return true;
  if (values.some((v) => contains(v, needle) || contains(decodeEncodedWords(v), needle))) return true;
  return addresses(tree, field).some((a) => contains(a.address, needle) || (a.name !== null && contains(a.name, needle)));
}

/**
 * The decoded content of every text part of `part` and of every message/* part that is not
 * an embedded message (delivery-status, feedback-report), as Dovecot searches them; with
 * `withHeaders`, the header fields of the message and of embedded messages too.
 */
function* texts(raw: Buffer, part: MimePart, withHeaders: boolean): Generator<string> {
  if (withHeaders) for (const f of part.headers) yield `${f.name}: ${decodeEncodedWords(f.value)}`;
  if (part.contentType.type === 'multipart') {
    for (const child of part.parts) yield* texts(raw, child, withHeaders);
    return;
  }
  if (isMessageType(part.contentType) && part.message) {
    yield* texts(raw, part.message, withHeaders);
    return;
  }
  if (part.contentType.type !== 'text' && part.contentType.type !== 'message') return;
  const decoded = decodeTransfer(raw.subarray(part.body.start, part.body.end), part.encoding);
  if (decoded) yield decodeCharset(decoded, param(part.contentType.params, 'charset'));
}

/** SEARCH BODY string (RFC 9051 6.4.4): in the body's text parts, decoded, case-insensitively (not in the headers of embedded messages, as Dovecot). */
export function matchesBody(raw: Buffer, tree: MimePart, needle: string): boolean {
  for (const text of texts(raw, tree, false)) if (contains(text, needle)) return true;
  return false;
}

/** SEARCH TEXT string (RFC 9051 6.4.4): in the header or the body. */
export function matchesText(raw: Buffer, tree: MimePart, needle: string): boolean {
  for (const text of texts(raw, tree, true)) if (contains(text, needle)) return true;
  return false;
}

const stripComments = (value: string): string => value.replace(/\([^()]*\)/g, ' ');

/** The Date header as a point in time (RFC 5322 3.3), or null when absent or unreadable. */
export function sentDate(tree: MimePart): Date | null {
  const value = firstValue(tree.headers, 'date');
  if (value === null) return null;
  const time = Date.parse(stripComments(value).replace(/\s+/g, ' ').trim());
  return Number.isNaN(time) ? null : new Date(time);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The calendar day of the Date header in its own zone, `YYYY-MM-DD`: SENTBEFORE, SENTON
 * and SENTSINCE compare dates "disregarding time and timezone" (RFC 9051 6.4.4), so the
 * day as written counts, not the UTC day. Null when absent or not an RFC 5322 date.
 */
export function sentDay(tree: MimePart): string | null {
  const value = firstValue(tree.headers, 'date');
  if (value === null) return null;
  // RFC 5322 3.3: [day-of-week ","] day month year; anything else is no date (Dovecot).
  const m = /^\s*(?:[A-Za-z]+\s*,\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s/.exec(stripComments(value) + ' ');
  if (!m) return null;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  if (month === -1) return null;
  let year = Number(m[3]);
  // RFC 5322 4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
  if (m[3].length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3].length === 3) year += 1900;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${m[1].padStart(2, '0')}`;
}
