import { Socket, connect as netConnect } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';

export interface RawReply {
  code: number;
  lines: string[];
  /** The last line without its code. */
  text: string;
}

/** A line-level SMTP client for tests where the bytes on the wire matter. */
export class RawSmtp {
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(public socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** Over a socket the caller connected (e.g. TLS with a client certificate). */
  static wrap(socket: Socket | TLSSocket): RawSmtp {
    return new RawSmtp(socket);
  }

  static connect(port: number, options: { tls?: boolean; ca?: string; servername?: string } = {}): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tlsConnect({ host: '127.0.0.1', port, ca: options.ca, servername: options.servername ?? 'localhost' }, () =>
            resolve(new RawSmtp(socket)),
          )
        : netConnect({ host: '127.0.0.1', port }, () => resolve(new RawSmtp(socket)));
      socket.once('error', reject);
    });
  }

  /** Reads one complete (possibly multi-line) reply; rejects when the connection closes first. */
  async reply(timeoutMs = 5000): Promise<RawReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const end = lines.findIndex((l) => /^\d{3}(?: |$)/.test(l));
      if (end >= 0 && end < lines.length - 1) {
        const reply = lines.slice(0, end + 1);
        this.buffer = lines.slice(end + 1).join('\r\n');
        return { code: Number(reply[end].slice(0, 3)), lines: reply, text: reply[end].slice(4) };
      }
      if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply; buffered: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  async command(line: string): Promise<RawReply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** Resolves once the server closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the connection stayed open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** After a 220 to STARTTLS: the TLS handshake on the same socket. */
  startTls(options: { ca?: string; servername?: string } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.removeAllListeners('data');
      this.socket.removeAllListeners('close');
      const secure = tlsConnect({ socket: this.socket, ca: options.ca, servername: options.servername ?? 'localhost' }, () => resolve());
      secure.once('error', reject);
      this.socket = secure;
      this.buffer = '';
      this.attach(secure);
    });
  }

  end(): void {
    this.socket.destroy();
  }
}
