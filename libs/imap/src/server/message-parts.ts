import { SectionSpec } from '../protocol/command';
import { ImapValue } from '../protocol/value';

/**
 * Message rendering for FETCH and SEARCH, over one message's bytes (parsed at most once).
 * `simpleRenderer` treats the message as one part split at the first empty line; apps/mta
 * passes the MIME renderer (libs/imap/src/message). FETCH and SEARCH call only this.
 */
export interface RenderedMessage {
  envelope(): ImapValue;
  bodyStructure(extended: boolean): ImapValue;
  /** The bytes of BODY[section]; empty when the section does not exist. */
  section(spec: SectionSpec): Buffer;
  /** BINARY[part] (RFC 3516): the decoded content; null when the part does not exist; 'unknown-cte' when it cannot be decoded. */
  binary(part: number[]): Buffer | null | 'unknown-cte';
  /** SEARCH HEADER/FROM/TO/CC/BCC/SUBJECT (RFC 9051 6.4.4), case-insensitive substring. */
  matchesHeader(field: string, needle: string): boolean;
  /** The Date header's calendar day `YYYY-MM-DD` (SEARCH SENT*), or null. */
  sentDay(): string | null;
}

export type MessageRenderer = (raw: Buffer) => RenderedMessage;

export function splitHeader(raw: Buffer): { header: Buffer; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { header: raw.subarray(0, crlf + 4), body: raw.subarray(crlf + 4) };
  if (lf >= 0) return { header: raw.subarray(0, lf + 2), body: raw.subarray(lf + 2) };
  return { header: raw, body: Buffer.alloc(0) };
}

interface Field {
  name: string;
  value: string;
  bytes: Buffer;
}

function fields(header: Buffer): Field[] {
  const out: Field[] = [];
  const text = header.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      const last = out[out.length - 1];
      last.value += ' ' + line.trim();
      last.bytes = Buffer.concat([last.bytes, Buffer.from(line, 'latin1')]);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), bytes: Buffer.from(line, 'latin1') });
  }
  return out;
}

const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

function addresses(value: string | undefined): ImapValue {
  if (!value) return null;
  const list: ImapValue[] = [];
  for (const piece of value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]*)>\s*$/.exec(piece) ?? /^\s*()([^\s]+)\s*$/.exec(piece);
    if (!m) continue;
    const [local, domain] = m[2].split('@');
    list.push([m[1] ? utf8(m[1]) : null, null, local ?? '', domain ?? '']);
  }
  return list.length > 0 ? list : null;
}

function headerValues(raw: Buffer, field: string): string[] {
  return fields(splitHeader(raw).header)
    .filter((f) => f.name.toLowerCase() === field)
    .map((f) => utf8(f.value));
}

export const simpleRenderer: MessageRenderer = (raw) => ({
  envelope() {
    const all = fields(splitHeader(raw).header);
    const get = (name: string): string | undefined => all.find((f) => f.name.toLowerCase() === name)?.value;
    const from = addresses(get('from'));
    const nstr = (v: string | undefined): string | null => (v === undefined ? null : utf8(v));
    // RFC 9051 7.5.2 ENVELOPE: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id.
    return [
      nstr(get('date')),
      nstr(get('subject')),
      from,
      addresses(get('sender')) ?? from,
      addresses(get('reply-to')) ?? from,
      addresses(get('to')),
      addresses(get('cc')),
      addresses(get('bcc')),
      nstr(get('in-reply-to')),
      nstr(get('message-id')),
    ];
  },
  bodyStructure(extended) {
    const { body } = splitHeader(raw);
    const lines = body.length === 0 ? 0 : body.toString('latin1').split('\n').length;
    const basic: ImapValue[] = ['text', 'plain', ['charset', 'utf-8'], null, null, '7bit', body.length, lines];
    return extended ? [...basic, null, null, null, null] : basic;
  },
  section(spec) {
    const { header, body } = splitHeader(raw);
    if (spec.part.length > 1 || (spec.part.length === 1 && spec.part[0] !== 1)) return Buffer.alloc(0);
    if (spec.part.length === 1 && spec.text === null) return body;
    switch (spec.text) {
      case null:
        return raw;
      case 'HEADER':
      case 'MIME':
        return header;
      case 'TEXT':
        return body;
      case 'HEADER.FIELDS':
      case 'HEADER.FIELDS.NOT': {
        const wanted = new Set(spec.fields.map((f) => f.toLowerCase()));
        const keep = fields(header).filter((f) => wanted.has(f.name.toLowerCase()) === (spec.text === 'HEADER.FIELDS'));
        return Buffer.concat([...keep.map((f) => f.bytes), Buffer.from('\r\n')]);
      }
    }
  },
  binary(part) {
    if (part.length > 1 || (part.length === 1 && part[0] !== 1)) return null;
    return part.length === 0 ? raw : splitHeader(raw).body;
  },
  matchesHeader(field, needle) {
    const lower = needle.toLowerCase();
    return headerValues(raw, field).some((v) => v.toLowerCase().includes(lower));
  },
  sentDay() {
    const value = headerValues(raw, 'date')[0];
    if (!value) return null;
    const date = new Date(value.replace(/\([^)]*\)/g, '').trim());
    return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
  },
});
