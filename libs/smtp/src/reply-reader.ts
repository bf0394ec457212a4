import { Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  /** RFC 3463 enhanced status code from the first line, when the server sends one. */
  enhanced: string | null;
  /** The reply lines without the code, joined by '\n'. */
  text: string;
}

/** RFC 3463 2: class.subject.detail, where class matches the reply code's first digit. */
export function parseEnhancedCode(text: string): string | null {
  const match = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/.exec(text);
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null;
}

/**
 * Reads SMTP replies off a socket (RFC 5321 4.2: `ddd-text` continuation lines, `ddd text`
 * last line) and hands them out in order, so pipelined commands can await their replies.
 */
export class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private readonly waiters: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(private readonly onLine?: (line: string) => void) {}

  attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.push(chunk.toString('latin1')));
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

  private push(data: string): void {
    this.buffer += data;
    let index: number;
    while ((index = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, index).replace(/\r$/, '');
      this.buffer = this.buffer.slice(index + 1);
      this.onLine?.(line);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) {
        this.fail(new Error(`malformed reply line '${line.slice(0, 100)}'`));
        return;
      }
      this.lines.push(match[3]);
      if (match[2] !== '-') {
        const code = Number(match[1]);
        const texts = this.lines;
        this.lines = [];
        const enhanced = parseEnhancedCode(texts[0]);
        const reply = {
          code,
          enhanced,
          text: texts.map((t) => (enhanced && t.startsWith(enhanced) ? t.slice(enhanced.length).trim() : t)).join('\n'),
        };
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
    if (this.buffer.length > 64 * 1024) this.fail(new Error('reply line longer than 64 KB'));
  }
}
