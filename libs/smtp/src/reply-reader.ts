import type { Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code from the first line, when the server sends one. */
  enhanced: string | null;
  /** The reply lines without the code (and without the enhanced code), joined by '\n'. */
  text: string;
}

/** RFC 3463 2: class.subject.detail at the start of the text (class 2, 4 or 5). */
export function parseEnhancedCode(text: string): string | null {
  const match = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/.exec(text);
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null;
}

/** RFC 5321 4.5.3.1.5 allows 512 octets per reply line; be generous, but bounded. */
const MAX_PENDING = 64 * 1024;

/**
 * Reads SMTP replies off a socket (RFC 5321 4.2: `ddd-text` continuation lines, `ddd text` or
 * bare `ddd` last line) and hands them out in order, so pipelined commands can await theirs.
 */
export class ReplyReader {
  private pending: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private readonly waiters: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(private readonly onLine?: (line: string) => void) {}

  attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.push(chunk));
  }

  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  next(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  push(chunk: Buffer): void {
    if (this.failure) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let index: number;
    while ((index = this.pending.indexOf(0x0a)) >= 0) {
      // RFC 6531 3.7.4: replies may carry UTF-8 text.
      const line = this.pending.subarray(0, index).toString('utf8').replace(/\r$/, '');
      this.pending = this.pending.subarray(index + 1);
      this.onLine?.(line);
      const match = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
      if (!match) {
        this.fail(Object.assign(new Error(`malformed reply line '${line.slice(0, 100)}'`), { code: 'PROTOCOL' }));
        return;
      }
      this.lines.push(match[3]);
      if (match[2] !== '-') this.complete(Number(match[1]));
    }
    if (this.pending.length > MAX_PENDING) {
      this.fail(Object.assign(new Error('reply line longer than 64 KB'), { code: 'PROTOCOL' }));
    }
  }

  private complete(code: number): void {
    const texts = this.lines;
    this.lines = [];
    // RFC 3463 3: the enhanced code's class must match the reply code's first digit.
    const candidate = parseEnhancedCode(texts[0]);
    const enhanced = candidate && candidate[0] === String(code)[0] ? candidate : null;
    // RFC 2034 3: every line of a multi-line reply repeats the enhanced code; keep only the text.
    const text = texts.map((t) => (enhanced && t.startsWith(enhanced) ? t.slice(enhanced.length).trim() : t)).join('\n');
    const reply = { code, enhanced, text };
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
  }
}
