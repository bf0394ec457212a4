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

function pushString(value: string, out: Buffer[], options: EncodeOptions): void {
  if (quotable(value, options.utf8 === true)) {
    out.push(Buffer.from('"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"', 'utf8'));
  } else {
    const bytes = Buffer.from(value, 'utf8');
    out.push(Buffer.from(`{${bytes.length}}\r\n`), bytes);
  }
}

export function encodeValue(value: WireValue, out: Buffer[], options: EncodeOptions = {}): void {
  if (value === null) {
    out.push(Buffer.from('NIL'));
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    out.push(Buffer.from(value.toString()));
  } else if (typeof value === 'string') {
    pushString(value, out, options);
  } else if (Buffer.isBuffer(value)) {
    out.push(Buffer.from(`{${value.length}}\r\n`), value);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('('));
    value.forEach((item, i) => {
      if (i > 0) out.push(Buffer.from(' '));
      encodeValue(item, out, options);
    });
    out.push(Buffer.from(')'));
  } else if ('atom' in value) {
    out.push(Buffer.from(value.atom, 'utf8'));
  } else {
    // RFC 3516 4.2: literal8 only where the content needs it (NUL octets).
    const prefix = value.literal8.includes(0) ? '~' : '';
    out.push(Buffer.from(`${prefix}{${value.literal8.length}}\r\n`), value.literal8);
  }
}

/** One response line: the values separated by spaces, then CRLF. */
export function encodeLine(values: WireValue[], options: EncodeOptions = {}): Buffer {
  const out: Buffer[] = [];
  values.forEach((value, i) => {
    if (i > 0) out.push(Buffer.from(' '));
    encodeValue(value, out, options);
  });
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
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
