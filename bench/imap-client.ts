import { Socket, connect as connectTcp } from 'node:net';
import { TLSSocket, connect as connectTls } from 'node:tls';

/**
 * A deliberately small IMAP client for the benchmark, used unchanged against Postern and
 * Dovecot. It frames responses (lines and literals, RFC 9051 4.3) and hands each untagged
 * response to the caller without parsing it further, so its own cost stays far below the
 * server's (imapflow, which builds an object per FETCH item, spends more CPU per message
 * than Dovecot does; see docs/benchmarks.md). One command at a time per connection.
 */
export interface ImapTarget {
  host: string;
  port: number;
  /**
   * `implicit`: TLS from the first byte (993-style); `starttls`: STARTTLS first (RFC 9051
   * 6.2.1); `none`: plaintext (scripted test peers, or Dovecot on loopback).
   */
  tls: 'implicit' | 'starttls' | 'none';
  user: string;
  pass: string;
}

/** One untagged response: its text with every literal replaced by `{n}`, and the literals. */
export interface Untagged {
  text: string;
  literals: Buffer[];
}

export interface Completion {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
}

export class ImapError extends Error {}

interface Pending {
  tag: string;
  /** The command's first words, for error messages. */
  what: string;
  literal?: Buffer;
  onUntagged?: (response: Untagged) => void;
  resolve: (completion: Completion) => void;
  reject: (err: Error) => void;
}

const CRLF = Buffer.from('\r\n');
const LITERAL = /\{(\d+)\+?\}$/;

/** RFC 9051 4.3: quoted string for user names and passwords without CR/LF. */
export const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export class ImapConnection {
  private buffer: Buffer = Buffer.alloc(0);
  /** The response being assembled across a literal. */
  private partial: Untagged | null = null;
  private awaitingLiteral = 0;
  private pending: Pending | null = null;
  private greeting: { resolve: (line: string) => void; reject: (err: Error) => void } | null = null;
  private nextTag = 1;
  private closed: Error | null = null;
  readonly ended: Promise<void>;

  private constructor(private socket: Socket | TLSSocket) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    this.attach(socket);
  }

  /** Connects, reads the greeting, and upgrades with STARTTLS when asked. Does not log in. */
  static async open(target: ImapTarget): Promise<ImapConnection> {
    const socket =
      target.tls === 'implicit'
        ? connectTls({ host: target.host, port: target.port, rejectUnauthorized: false, servername: 'localhost' })
        : connectTcp({ port: target.port, host: target.host });
    socket.setNoDelay(true);
    const connection = new ImapConnection(socket);
    const greeting = await connection.readGreeting();
    if (!/^\* (OK|PREAUTH)/.test(greeting)) throw new ImapError(`unexpected greeting: ${greeting}`);
    if (target.tls === 'starttls') await connection.startTls();
    return connection;
  }

  /** Opens a connection and logs in (LOGIN, RFC 9051 6.2.3). */
  static async login(target: ImapTarget): Promise<ImapConnection> {
    const connection = await ImapConnection.open(target);
    await connection.ok(`LOGIN ${quote(target.user)} ${quote(target.pass)}`);
    return connection;
  }

  /**
   * Sends one command and resolves with its tagged completion. `literal` is sent as a
   * synchronizing literal after the server's continuation (RFC 9051 4.3: the command text
   * must end with `{n}`), so no LITERAL+ is needed from either server.
   */
  command(text: string, options: { literal?: Buffer; onUntagged?: (response: Untagged) => void } = {}): Promise<Completion> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending) return Promise.reject(new ImapError('one command at a time'));
    const tag = `b${this.nextTag++}`;
    return new Promise((resolve, reject) => {
      const what = text.split(' ').slice(0, 2).join(' ');
      this.pending = { tag, what, literal: options.literal, onUntagged: options.onUntagged, resolve, reject };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** Like command, but fails unless the server answers OK. */
  async ok(text: string, options: { literal?: Buffer; onUntagged?: (response: Untagged) => void } = {}): Promise<Completion> {
    const done = await this.command(text, options);
    if (done.status !== 'OK') throw new ImapError(`${text.split(' ')[0]} answered ${done.status} ${done.text}`);
    return done;
  }

  /**
   * Connections that answered LOGOUT with BYE and closed without the tagged OK that RFC 9051
   * 6.1.3 requires after it; counted and reported, not fatal, so a benchmark still runs.
   */
  static logoutsWithoutOk = 0;

  /** LOGOUT, then waits for the server to close (RFC 9051 6.1.3). */
  async logout(): Promise<void> {
    let bye = false;
    try {
      await this.ok('LOGOUT', { onUntagged: (r) => (bye ||= /^\* BYE/i.test(r.text)) });
    } catch (err) {
      if (!bye || !this.closed) throw err;
      ImapConnection.logoutsWithoutOk++;
    }
    this.socket.end();
    await this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private readGreeting(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.closed) reject(this.closed);
      else this.greeting = { resolve, reject };
    });
  }

  private async startTls(): Promise<void> {
    await this.ok('STARTTLS');
    const plain = this.socket;
    plain.removeAllListeners('data');
    const upgraded = connectTls({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      upgraded.once('secureConnect', resolve);
      upgraded.once('error', reject);
    });
    this.socket = upgraded;
    this.attach(upgraded);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err: Error) => this.fail(err));
    socket.on('close', () => this.fail(new ImapError('connection closed')));
  }

  private fail(err: Error): void {
    this.closed ??= err;
    const pending = this.pending;
    const greeting = this.greeting;
    this.pending = null;
    this.greeting = null;
    pending?.reject(new ImapError(`${err.message} during ${pending.what}`));
    greeting?.reject(new ImapError(`${err.message} before the greeting`));
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    for (;;) {
      if (this.awaitingLiteral > 0) {
        if (this.buffer.length - at < this.awaitingLiteral) break;
        this.partial!.literals.push(this.buffer.subarray(at, at + this.awaitingLiteral));
        at += this.awaitingLiteral;
        this.awaitingLiteral = 0;
        continue;
      }
      const end = this.buffer.indexOf(CRLF, at);
      if (end < 0) break;
      const line = this.buffer.toString('latin1', at, end);
      at = end + 2;
      const literal = LITERAL.exec(line);
      const response = this.partial ?? { text: '', literals: [] };
      response.text += line;
      if (literal) {
        this.partial = response;
        this.awaitingLiteral = Number(literal[1]);
        // A zero-length literal has nothing to wait for; the line continues at once.
        if (this.awaitingLiteral === 0) response.literals.push(Buffer.alloc(0));
        continue;
      }
      this.partial = null;
      this.dispatch(response);
    }
    // Keep only the unread tail (copied: literals handed out above are views of the old buffer).
    this.buffer = at === this.buffer.length ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(at));
  }

  private dispatch(response: Untagged): void {
    if (this.greeting) {
      const greeting = this.greeting;
      this.greeting = null;
      greeting.resolve(response.text);
      return;
    }
    const pending = this.pending;
    if (!pending) return; // unsolicited (for example an untagged BYE after LOGOUT's completion)
    const text = response.text;
    if (text.startsWith('+')) {
      if (!pending.literal) return this.fail(new ImapError(`unexpected continuation: ${text}`));
      // One write: the literal and the CRLF ending the command in one TLS record.
      this.socket.write(Buffer.concat([pending.literal, CRLF]));
      return;
    }
    if (text.startsWith('* ')) {
      pending.onUntagged?.(response);
      return;
    }
    if (text.startsWith(`${pending.tag} `)) {
      const rest = text.slice(pending.tag.length + 1);
      const space = rest.indexOf(' ');
      const status = (space < 0 ? rest : rest.slice(0, space)).toUpperCase();
      this.pending = null;
      if (status === 'OK' || status === 'NO' || status === 'BAD') pending.resolve({ status, text: rest.slice(space + 1) });
      else pending.reject(new ImapError(`unparseable completion: ${text}`));
      return;
    }
    this.fail(new ImapError(`unexpected response: ${text}`));
  }
}
