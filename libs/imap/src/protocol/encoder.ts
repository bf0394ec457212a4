import { ImapValue } from './value';

/** Binary content (RFC 3516 BINARY): a literal8 `~{n}` when it holds NUL, else a literal. */
export interface ImapLiteral8 {
  literal8: Buffer;
}

/** What goes on the wire: ImapValue plus literal8, which only FETCH BINARY produces. */
export type WireValue = ImapValue | ImapLiteral8 | WireValue[];

export interface EncodeOptions {
  /** UTF8=ACCEPT enabled (RFC 6855 3): UTF-8 may appear in quoted strings. */
  utf8?: boolean;
}

/** Longest string sent quoted; longer ones go as literals, which clients read without scanning. */
const MAX_QUOTED = 1024;

/** RFC 9051 4.3: a quoted string holds no CR, LF or NUL; `"` and `\` are escaped. */
function quotable(value: string, utf8: boolean): boolean {
  if (value.length > MAX_QUOTED) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 10 || code === 13) return false;
    if (code > 0x7f && !utf8) return false;
  }
  return true;
}

/** Collects output as text, turning it into bytes only around literals (few allocations for big FETCH responses). */
class Writer {
  private parts: Buffer[] = [];
  private text = '';

  str(value: string): void {
    this.text += value;
  }

  bytes(value: Buffer): void {
    if (this.text !== '') this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
    this.parts.push(value);
  }

  finish(): Buffer {
    if (this.text !== '') this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }
}

function writeString(value: string, out: Writer, options: EncodeOptions): void {
  if (quotable(value, options.utf8 === true)) {
    out.str('"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"');
  } else {
    const bytes = Buffer.from(value, 'utf8');
    out.str(`{${bytes.length}}\r\n`);
    out.bytes(bytes);
  }
}

function write(value: WireValue, out: Writer, options: EncodeOptions): void {
  if (value === null) {
    out.str('NIL');
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    out.str(value.toString());
  } else if (typeof value === 'string') {
    writeString(value, out, options);
  } else if (Buffer.isBuffer(value)) {
    out.str(`{${value.length}}\r\n`);
    out.bytes(value);
  } else if (Array.isArray(value)) {
    out.str('(');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.str(' ');
      write(value[i], out, options);
    }
    out.str(')');
  } else if ('atom' in value) {
    out.str(value.atom);
  } else if ('adjacent' in value) {
    for (const item of value.adjacent) write(item, out, options);
  } else {
    // RFC 3516 4.2: literal8 only where the content needs it (NUL octets).
    out.str(`${value.literal8.includes(0) ? '~' : ''}{${value.literal8.length}}\r\n`);
    out.bytes(value.literal8);
  }
}

export function encodeValue(value: WireValue, out: Buffer[], options: EncodeOptions = {}): void {
  const writer = new Writer();
  write(value, writer, options);
  out.push(writer.finish());
}

/** One response line: the values separated by spaces, then CRLF. */
export function encodeLine(values: WireValue[], options: EncodeOptions = {}): Buffer {
  const writer = new Writer();
  for (let i = 0; i < values.length; i++) {
    if (i > 0) writer.str(' ');
    write(values[i], writer, options);
  }
  writer.str('\r\n');
  return writer.finish();
}

/** Several response lines in one buffer. */
export function encodeLines(lines: WireValue[][], options: EncodeOptions = {}): Buffer {
  const writer = new Writer();
  for (const values of lines) {
    for (let i = 0; i < values.length; i++) {
      if (i > 0) writer.str(' ');
      write(values[i], writer, options);
    }
    writer.str('\r\n');
  }
  return writer.finish();
}

/** A mailbox name or other astring: an atom when it can be one, else quoted/literal. */
export function astring(value: string): ImapValue {
  // RFC 9051 9: ASTRING-CHAR is ATOM-CHAR or "]".
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || '(){%*"\\'.includes(value[i])) return value;
  }
  return value === '' ? value : { atom: value };
}
