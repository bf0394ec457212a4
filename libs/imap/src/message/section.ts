import { isMessageType } from './parse';
import type { MimePart } from './types';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** A BODY[...] section (RFC 9051 6.4.5), the shape the FETCH parser produces. */
export interface SectionSpec {
  part: number[];
  text: SectionText | null;
  fields: string[];
}

/** `<origin.length>` of a partial FETCH (RFC 9051 6.4.5). */
export interface SectionPartial {
  offset: number;
  length: number;
}

const SPEC =
  /^((?:[1-9]\d*\.)*[1-9]\d*)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(?:\(([^)]*)\))?\s*(?:<(\d+)\.(\d+)>)?$/i;

/**
 * Reads a section as written between the brackets, with an optional partial after it:
 * `''`, `HEADER`, `1.2.MIME`, `HEADER.FIELDS (From To)`, `TEXT<0.100>`. Null when it is not
 * a section.
 */
export function parseSectionSpec(text: string): { spec: SectionSpec; partial: SectionPartial | null } | null {
  const trimmed = text.trim();
  const m = SPEC.exec(trimmed);
  if (!m) return null;
  // A dot separates part numbers from the text part, and only there.
  if (m[2] && (m[1] ? trimmed[m[1].length] !== '.' : trimmed.startsWith('.'))) return null;
  if (!m[2] && m[1] && trimmed[m[1].length] === '.') return null;
  const part = m[1] ? m[1].split('.').map(Number) : [];
  const sectionText = m[2] ? (m[2].toUpperCase() as SectionText) : null;
  const fields = m[3] ? (m[3].match(/"(?:[^"\\]|\\.)*"|[^\s"]+/g) ?? []).map((f) => f.replace(/^"|"$/g, '')) : [];
  if (fields.length > 0 !== (sectionText === 'HEADER.FIELDS' || sectionText === 'HEADER.FIELDS.NOT')) return null;
  if (sectionText === 'MIME' && part.length === 0) return null;
  const partial = m[4] !== undefined ? { offset: Number(m[4]), length: Number(m[5]) } : null;
  return { spec: { part, text: sectionText, fields }, partial };
}

/**
 * The part a section path names (RFC 9051 6.4.5): in a multipart, `n` is its n-th part;
 * in a message/rfc822 part, numbers go on in the embedded message; the body of a message
 * that is not multipart is its part 1, and (as Dovecot has it) a single part of a
 * multipart is its own part 1. Null when there is no such part.
 */
export function resolvePart(tree: MimePart, path: number[]): MimePart | null {
  let node = tree;
  // How `node` was reached: a single part is its own part 1 only as the body of the top
  // message or as a part of a multipart (Dovecot answers nothing for "1.1" of a message
  // that is not multipart, and the part 1 of a part 1 is nothing).
  let via = 'root' as 'root' | 'multipart' | 'self';
  for (const n of path) {
    let kids: MimePart[] = [];
    let nextVia: typeof via = 'self';
    if (node.contentType.type === 'multipart') {
      kids = node.parts;
      nextVia = 'multipart';
    } else if (via === 'root') {
      kids = [node];
    } else if (isMessageType(node.contentType) && node.message) {
      const inner = node.message;
      const multipart = inner.contentType.type === 'multipart';
      kids = multipart ? inner.parts : [inner];
      nextVia = multipart ? 'multipart' : 'self';
    } else if (via === 'multipart') {
      kids = [node];
    }
    const next = kids[n - 1];
    if (!next) return null;
    node = next;
    via = nextVia;
  }
  return node;
}

/**
 * BODY[section] (RFC 9051 6.4.5): the exact bytes of the raw message the section names,
 * cut to `partial` when given. A part that does not exist gives an empty Buffer, as
 * Dovecot answers; so does HEADER or TEXT of a part that is not a message/rfc822.
 */
export function section(raw: Buffer, tree: MimePart, spec: SectionSpec | string, partial?: SectionPartial | null): Buffer {
  let resolved: SectionSpec;
  let cut = partial ?? null;
  if (typeof spec === 'string') {
    const parsed = parseSectionSpec(spec);
    if (!parsed) return Buffer.alloc(0);
    resolved = parsed.spec;
    cut = cut ?? parsed.partial;
  } else resolved = spec;
  const bytes = sectionBytes(raw, tree, resolved);
  return cut ? applyPartial(bytes, cut) : bytes;
}

/** RFC 9051 6.4.5: `<origin.octets>`; an origin past the end gives nothing. */
export function applyPartial(bytes: Buffer, partial: SectionPartial): Buffer {
  if (partial.offset >= bytes.length) return Buffer.alloc(0);
  return bytes.subarray(partial.offset, Math.min(bytes.length, partial.offset + partial.length));
}

function sectionBytes(raw: Buffer, tree: MimePart, spec: SectionSpec): Buffer {
  const node = resolvePart(tree, spec.part);
  if (!node) return Buffer.alloc(0);
  const slice = (r: { start: number; end: number }): Buffer => raw.subarray(r.start, r.end);
  if (spec.text === null) return spec.part.length === 0 ? raw : slice(node.body);
  if (spec.text === 'MIME') return spec.part.length === 0 ? Buffer.alloc(0) : slice(node.header);
  // HEADER, HEADER.FIELDS[.NOT] and TEXT are of a message: the top one or an embedded one.
  const message = spec.part.length === 0 ? tree : isMessageType(node.contentType) ? node.message : null;
  if (!message) return Buffer.alloc(0);
  switch (spec.text) {
    case 'TEXT':
      return slice(message.body);
    case 'HEADER':
      return slice(message.header);
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      const names = new Set(spec.fields.map((f) => f.toLowerCase()));
      const keep = spec.text === 'HEADER.FIELDS';
      const chosen = message.headers
        .filter((f) => (!f.malformed && names.has(f.name.toLowerCase())) === keep)
        .map((f) => slice(f.range))
        // A field cut short by the end of the message gets its line end (Dovecot).
        .map((bytes) => (bytes.at(-1) === 0x0a ? bytes : Buffer.concat([bytes, Buffer.from('\r\n')])));
      // The blank line that ends a header is part of the answer (RFC 9051 6.4.5 examples).
      // Dovecot adds it also to a header cut short, unless it has no proper field at all.
      const proper = message.headerTerminated || message.headers.some((f) => !f.malformed);
      const blank = proper ? [Buffer.from('\r\n')] : [];
      return Buffer.concat([...chosen, ...blank]);
    }
  }
}
