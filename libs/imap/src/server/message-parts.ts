import { SectionSpec } from '../protocol/command';
import { ImapValue } from '../protocol/value';

/**
 * Message rendering for FETCH, until libs/imap/src/message (parseMessageStructure, envelope,
 * bodyStructure, section) lands: the message as one part, split at the first empty line.
 * FETCH calls only `renderer`, so the swap is one place.
 */
export interface MessageRenderer {
  envelope(raw: Buffer): ImapValue;
  bodyStructure(raw: Buffer, extended: boolean): ImapValue;
  /** The bytes of BODY[section]; null when the section does not exist (answered as empty). */
  section(raw: Buffer, spec: SectionSpec): Buffer | null;
  /** BINARY[part]: the decoded content; null when the part does not exist. */
  binary(raw: Buffer, part: number[]): Buffer | null;
  /** Header field values, unfolded, for SEARCH HEADER/FROM/... */
  headerValues(raw: Buffer, field: string): string[];
  /** The Date header as a Date (SEARCH SENT*). */
  sentDate(raw: Buffer): Date | null;
}

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

export const simpleRenderer: MessageRenderer = {
  envelope(raw) {
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
  bodyStructure(raw, extended) {
    const { body } = splitHeader(raw);
    const lines = body.length === 0 ? 0 : body.toString('latin1').split('\n').length;
    const basic: ImapValue[] = ['text', 'plain', ['charset', 'utf-8'], null, null, '7bit', body.length, lines];
    return extended ? [...basic, null, null, null, null] : basic;
  },
  section(raw, spec) {
    const { header, body } = splitHeader(raw);
    if (spec.part.length > 1 || (spec.part.length === 1 && spec.part[0] !== 1)) return null;
    if (spec.part.length === 1 && spec.text === null) return body;
    switch (spec.text) {
      case null:
        return raw;
      case 'HEADER':
        return header;
      case 'TEXT':
        return body;
      case 'MIME':
        return header;
      case 'HEADER.FIELDS':
      case 'HEADER.FIELDS.NOT': {
        const wanted = new Set(spec.fields.map((f) => f.toLowerCase()));
        const keep = fields(header).filter((f) => wanted.has(f.name.toLowerCase()) === (spec.text === 'HEADER.FIELDS'));
        return Buffer.concat([...keep.map((f) => f.bytes), Buffer.from('\r\n')]);
      }
    }
  },
  binary(raw, part) {
    if (part.length > 1 || (part.length === 1 && part[0] !== 1)) return null;
    return part.length === 0 ? raw : splitHeader(raw).body;
  },
  headerValues(raw, field) {
    return fields(splitHeader(raw).header)
      .filter((f) => f.name.toLowerCase() === field)
      .map((f) => utf8(f.value));
  },
  sentDate(raw) {
    const value = this.headerValues(raw, 'date')[0];
    if (!value) return null;
    const date = new Date(value.replace(/\([^)]*\)/g, '').trim());
    return Number.isNaN(date.getTime()) ? null : date;
  },
};
