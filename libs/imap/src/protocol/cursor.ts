import { STAR, SequenceSet } from './command';

/** Syntax error in a command; the session answers BAD with the message. */
export class ImapParseError extends Error {
  constructor(
    message: string,
    readonly tag: string | null = null,
  ) {
    super(message);
    this.name = 'ImapParseError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ImapParseError('invalid UTF-8');
  }
}

const isCtl = (c: number): boolean => c < 0x20 || c === 0x7f;
/** RFC 9051 9 atom-specials: ( ) { SP CTL % * " \ ] */
const isAtomChar = (c: number): boolean =>
  c < 0x80 &&
  !isCtl(c) &&
  c !== 0x28 &&
  c !== 0x29 &&
  c !== 0x7b &&
  c !== 0x20 &&
  c !== 0x25 &&
  c !== 0x2a &&
  c !== 0x22 &&
  c !== 0x5c &&
  c !== 0x5d;
const isAstringChar = (c: number): boolean => isAtomChar(c) || c === 0x5d;
const isListChar = (c: number): boolean => isAstringChar(c) || c === 0x25 || c === 0x2a;

const MAX_NUMBER = 0xffffffff;

/** A cursor over one whole command (literals inline, as framed by CommandReader). */
export class Cursor {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos] : -1;
  }

  fail(message: string): never {
    throw new ImapParseError(`${message} at offset ${this.pos}`);
  }

  end(): void {
    if (!this.done) this.fail('unexpected characters after the command');
  }

  sp(): void {
    if (this.peek() !== 0x20) this.fail('expected a space');
    this.pos++;
  }

  trySp(): boolean {
    if (this.peek() !== 0x20) return false;
    this.pos++;
    return true;
  }

  /** Consumes `text` (ASCII, case-insensitive) if it is next. */
  take(text: string): boolean {
    if (this.pos + text.length > this.buf.length) return false;
    const got = this.buf.toString('latin1', this.pos, this.pos + text.length);
    if (got.toUpperCase() !== text.toUpperCase()) return false;
    this.pos += text.length;
    return true;
  }

  expect(text: string): void {
    if (!this.take(text)) this.fail(`expected ${text}`);
  }

  private run(test: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.buf.length && test(this.buf[this.pos])) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  atom(): string {
    const value = this.run(isAtomChar);
    if (value === '') this.fail('expected an atom');
    return value;
  }

  /** An atom up to, not including, `[` (FETCH att names such as BODY.PEEK[). */
  fetchAtt(): string {
    const value = this.run((c) => isAtomChar(c) && c !== 0x5b && c !== 0x3c);
    if (value === '') this.fail('expected a fetch attribute');
    return value.toUpperCase();
  }

  number(): number {
    const digits = this.run((c) => c >= 0x30 && c <= 0x39);
    if (digits === '' || digits.length > 10) this.fail('expected a number');
    const n = Number(digits);
    if (n > MAX_NUMBER) this.fail('number too large');
    return n;
  }

  nzNumber(): number {
    const n = this.number();
    if (n === 0) this.fail('expected a non-zero number');
    return n;
  }

  /** mod-sequence-value (RFC 7162 7): 1 to 2^63-1. */
  modseq(allowZero = false): bigint {
    const digits = this.run((c) => c >= 0x30 && c <= 0x39);
    if (digits === '' || digits.length > 19) this.fail('expected a mod-sequence');
    const n = BigInt(digits);
    if (n > 0x7fffffffffffffffn || (!allowZero && n === 0n)) this.fail('mod-sequence out of range');
    return n;
  }

  /** quoted / literal / literal8 when `binary` (RFC 9051 4.3, RFC 3516). */
  stringBytes(binary = false): Buffer {
    const c = this.peek();
    if (c === 0x22) return this.quoted();
    if (c === 0x7b || (binary && c === 0x7e)) return this.literal();
    return this.fail('expected a string');
  }

  string(): string {
    return decodeUtf8(this.stringBytes());
  }

  private quoted(): Buffer {
    this.pos++;
    const out: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c < 0) this.fail('unterminated quoted string');
      this.pos++;
      if (c === 0x22) break;
      if (c === 0x0a || c === 0x0d || c === 0) this.fail('CR, LF or NUL in a quoted string');
      if (c === 0x5c) {
        const next = this.peek();
        if (next !== 0x22 && next !== 0x5c) this.fail('bad escape in a quoted string');
        this.pos++;
        out.push(next);
      } else {
        out.push(c);
      }
    }
    return Buffer.from(out);
  }

  private literal(): Buffer {
    const binary = this.take('~');
    this.expect('{');
    const size = this.number();
    this.take('+');
    this.expect('}\r\n');
    if (this.pos + size > this.buf.length) this.fail('literal shorter than announced');
    const bytes = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    // RFC 9051 4.3: a literal holds no NUL (literal8 may).
    if (!binary && bytes.includes(0)) this.fail('NUL in a literal');
    return bytes;
  }

  astring(): string {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    const value = this.run(isAstringChar);
    if (value === '') this.fail('expected an astring');
    return value;
  }

  nstring(): string | null {
    if (this.take('NIL')) return null;
    return this.string();
  }

  /** list-mailbox (RFC 9051 9): list-chars or a string. */
  listMailbox(): string {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    const value = this.run(isListChar);
    if (value === '') this.fail('expected a mailbox pattern');
    return value;
  }

  /** A mailbox name; INBOX in any case is INBOX (RFC 9051 5.1). */
  mailbox(): string {
    const name = this.astring();
    return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
  }

  /** flag (RFC 9051 9): `\System` or a keyword atom; `\*` only where allowed. */
  flag(): string {
    if (this.take('\\')) {
      const name = this.atom();
      const canonical = ['Answered', 'Flagged', 'Deleted', 'Seen', 'Draft'].find((f) => f.toLowerCase() === name.toLowerCase());
      return '\\' + (canonical ?? name);
    }
    return this.atom();
  }

  flagList(): string[] {
    this.expect('(');
    const flags: string[] = [];
    while (!this.take(')')) {
      if (flags.length > 0) this.sp();
      flags.push(this.flag());
    }
    return flags;
  }

  /** sequence-set (RFC 9051 9) or `$` (RFC 5182). */
  sequenceSet(): SequenceSet {
    if (this.take('$')) return { saved: true };
    const ranges: Array<[number, number]> = [];
    do {
      const from = this.seqNumber();
      const to = this.take(':') ? this.seqNumber() : from;
      ranges.push([from, to]);
    } while (this.take(','));
    return { ranges };
  }

  private seqNumber(): number {
    if (this.take('*')) return STAR;
    return this.nzNumber();
  }

  /** A parenthesised list of items read by `item`, SP-separated. */
  list<T>(item: () => T, allowEmpty = true): T[] {
    this.expect('(');
    const items: T[] = [];
    while (!this.take(')')) {
      if (items.length > 0) this.sp();
      items.push(item());
    }
    if (!allowEmpty && items.length === 0) this.fail('empty list');
    return items;
  }
}
