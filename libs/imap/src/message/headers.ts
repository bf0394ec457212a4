import type { ByteRange, HeaderField } from './types';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** Where a header block ends: after the empty line, or at `end` when there is none. */
export interface HeaderBlock {
  header: ByteRange;
  /** An empty line ended the header. */
  terminated: boolean;
  bodyStart: number;
  fields: HeaderField[];
}

/** Index just past the line that starts at `at` (its LF included), or `end`. */
export function lineEnd(raw: Buffer, at: number, end: number): number {
  const lf = raw.indexOf(LF, at);
  return lf === -1 || lf >= end ? end : lf + 1;
}

/** True when the line `[at, next)` holds nothing but its line end. */
function isEmptyLine(raw: Buffer, at: number, next: number): boolean {
  const len = next - at;
  return (len === 1 && raw[at] === LF) || (len === 2 && raw[at] === CR && raw[at + 1] === LF);
}

/** Header text as a string: UTF-8 when it is valid UTF-8 (RFC 6532), else Latin-1 byte by byte. */
export function headerText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.includes('\ufffd') && !bytes.includes(Buffer.from('\ufffd')) ? bytes.toString('latin1') : text;
}

/** RFC 5322 2.2.3: unfolding removes each line end that is followed by whitespace. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '');
}

/**
 * Splits the header block that starts at `start` (RFC 5322 2.2). Lenient as Dovecot is:
 * a line without a colon is kept as a malformed field (never found by name), a continuation
 * line before any field starts one, LF-only line ends count as line ends, and a missing
 * empty line means the header runs to `end` (a message without body) or to the first line
 * for which `stop` is true (a boundary of an enclosing multipart); an empty line that
 * `delimiterAfterEmpty` claims belongs to the delimiter after it.
 */
export function readHeaderBlock(
  raw: Buffer,
  start: number,
  end: number,
  stop?: (at: number, next: number) => boolean,
  delimiterAfterEmpty?: (next: number) => boolean,
): HeaderBlock {
  const fields: HeaderField[] = [];
  let at = start;
  let current: { nameEnd: number; colon: number; start: number; end: number } | null = null;
  const flush = (): void => {
    if (!current) return;
    const name = raw.toString('latin1', current.start, current.nameEnd).trim();
    const valueBytes = current.colon === -1 ? Buffer.alloc(0) : raw.subarray(current.colon + 1, current.end);
    // Leading whitespace of the first line goes; a folded value keeps the space it folds on.
    let from = 0;
    while (from < valueBytes.length && (valueBytes[from] === 0x20 || valueBytes[from] === 0x09)) from++;
    const text = unfold(headerText(valueBytes.subarray(from)));
    const field: HeaderField = { name, value: text.trim(), text, range: { start: current.start, end: current.end } };
    if (current.colon === -1) field.malformed = true;
    fields.push(field);
    current = null;
  };
  while (at < end) {
    const next = lineEnd(raw, at, end);
    if (stop?.(at, next)) break;
    if (isEmptyLine(raw, at, next)) {
      flush();
      // The empty line is the line end of a delimiter that follows (RFC 2046 5.1.1), not
      // the end of this header: Dovecot leaves it out of the header.
      if (delimiterAfterEmpty?.(next)) return { header: { start, end: at }, terminated: true, bodyStart: at, fields };
      return { header: { start, end: next }, terminated: true, bodyStart: next, fields };
    }
    const first = raw[at];
    if ((first === SP || first === TAB) && current) {
      current.end = next;
    } else {
      flush();
      const colon = raw.indexOf(COLON, at);
      const hasColon = colon !== -1 && colon < next;
      current = { start: at, end: next, colon: hasColon ? colon : -1, nameEnd: hasColon ? colon : next };
    }
    at = next;
  }
  flush();
  return { header: { start, end: at }, terminated: false, bodyStart: at, fields };
}

/** Values of the fields named `name` (case-insensitive), in header order. */
export function fieldValues(fields: HeaderField[], name: string): string[] {
  const wanted = name.toLowerCase();
  return fields.filter((f) => !f.malformed && f.name.toLowerCase() === wanted).map((f) => f.value);
}

/** The last field named `name` as `text` (see HeaderField), or null. */
export function lastText(fields: HeaderField[], name: string): string | null {
  const wanted = name.toLowerCase();
  return fields.findLast((f) => !f.malformed && f.name.toLowerCase() === wanted)?.text ?? null;
}

/** The first field named `name`, or null. */
export function firstValue(fields: HeaderField[], name: string): string | null {
  return fieldValues(fields, name)[0] ?? null;
}
