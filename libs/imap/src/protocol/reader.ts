/**
 * Frames the client's byte stream into whole commands (RFC 9051 2.2.1): lines, each of which
 * may end in a literal announcement `{n}` (synchronizing: we answer `+` before the client
 * sends it), `{n+}` (LITERAL+, RFC 7888) or `~{n}` (literal8, RFC 3516); the command ends at
 * the first line that does not. The parser then sees the command exactly as sent.
 *
 * Literals are checked against the limit before any of their bytes are read: a refused
 * synchronizing literal gets a tagged NO and the client never sends it; a refused
 * non-synchronizing one cannot be skipped safely, so the connection closes (RFC 7888 4).
 */

export interface CommandReaderHooks {
  /** A whole command (or a bare line such as IDLE's DONE or a SASL response), without the final CRLF. */
  onCommand(command: Buffer): void;
  /** Largest literal allowed for the command so far (its first line tells which command it is). */
  literalLimit(firstLine: string): number;
  /** Ask the client to send a synchronizing literal. */
  continueLiteral(): void;
  /** A literal over the limit: `closing` when it was non-synchronizing. */
  refuseLiteral(tag: string, size: number, closing: boolean): void;
  /** A line over the line limit; the connection should close. */
  lineTooLong(): void;
}

const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}$/;

export class CommandReader {
  /** The line being received, in the chunks it came in. */
  private partial: Buffer[] = [];
  private partialLength = 0;
  private parts: Buffer[] = [];
  private literalLeft = 0;
  private firstLine: string | null = null;
  private stopped = false;

  constructor(
    private readonly hooks: CommandReaderHooks,
    private readonly maxLineLength = 65536,
  ) {}

  /** Forget everything buffered (after STARTTLS, RFC 9051 6.2.1: no plaintext injection). */
  reset(): void {
    this.partial = [];
    this.partialLength = 0;
    this.parts = [];
    this.literalLeft = 0;
    this.firstLine = null;
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }

  push(chunk: Buffer): void {
    let data = chunk;
    while (!this.stopped && data.length > 0) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, data.length);
        this.parts.push(data.subarray(0, take));
        data = data.subarray(take);
        this.literalLeft -= take;
        continue;
      }
      // A line arriving in many small chunks is kept as chunks: each byte is scanned once.
      const lf = data.indexOf(10);
      if (lf < 0) {
        this.partial.push(data);
        this.partialLength += data.length;
        if (this.partialLength > this.maxLineLength) this.tooLong();
        return;
      }
      if (this.partialLength + lf > this.maxLineLength) return this.tooLong();
      let line = this.partial.length > 0 ? Buffer.concat([...this.partial, data.subarray(0, lf)]) : data.subarray(0, lf);
      this.partial = [];
      this.partialLength = 0;
      data = data.subarray(lf + 1);
      if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
      this.line(line);
    }
  }

  private tooLong(): void {
    this.stop();
    this.hooks.lineTooLong();
  }

  private line(line: Buffer): void {
    // Only the tail can announce a literal; decode it alone.
    const tail = line.subarray(Math.max(0, line.length - 25)).toString('latin1');
    const match = LITERAL_AT_END.exec(tail);
    if (this.firstLine === null) this.firstLine = line.subarray(0, 200).toString('latin1');
    if (!match) {
      this.parts.push(line);
      const command = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
      this.parts = [];
      this.firstLine = null;
      this.hooks.onCommand(command);
      return;
    }
    const size = Number(match[2]);
    const sync = match[3] !== '+';
    if (!Number.isSafeInteger(size) || size > this.hooks.literalLimit(this.firstLine)) {
      const tag = /^[^\s]*/.exec(this.firstLine)?.[0] ?? '*';
      this.parts = [];
      this.firstLine = null;
      if (!sync) this.stop();
      this.hooks.refuseLiteral(tag, size, !sync);
      return;
    }
    this.parts.push(line, Buffer.from('\r\n'));
    this.literalLeft = size;
    if (sync) this.hooks.continueLiteral();
    if (size === 0) this.parts.push(Buffer.alloc(0));
  }
}
