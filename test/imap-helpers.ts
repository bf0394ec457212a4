import { Socket, connect } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { AccountsService } from '@postern/accounts';
import { MailStore } from '@postern/mailstore';
import { TestEnv, createTestEnv } from '@postern/testing';
import { RunningMta, startMta } from '../apps/mta/src/start';

export interface ImapTestServer {
  env: TestEnv;
  mta: RunningMta;
  store: MailStore;
  imapPort: number;
  imapsPort: number;
  /** Creates an account with a password; returns its id. */
  account(name: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** The MTA with its IMAP listeners on ephemeral ports, over a fresh database and Redis prefix. */
export async function startImapTestServer(overrides: Record<string, string> = {}): Promise<ImapTestServer> {
  const env = createTestEnv({
    POSTERN_IMAP_PORT: '0',
    POSTERN_IMAPS_PORT: '0',
    POSTERN_SMTP_PORT: '0',
    POSTERN_SUBMISSION_PORT: '0',
    POSTERN_SUBMISSIONS_PORT: '0',
    ...overrides,
  });
  const mta = await startMta(env.context);
  const accounts = mta.app.get(AccountsService);
  return {
    env,
    mta,
    store: mta.app.get(MailStore),
    imapPort: mta.imap.port('imap') ?? 0,
    imapsPort: mta.imap.port('imaps') ?? 0,
    account: async (name, password) => (await accounts.create({ name, password })).id,
    close: async () => {
      await mta.close();
      await env.cleanup();
    },
  };
}

/** A raw IMAP connection that reads lines and whole tagged responses. */
export class RawImap {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, tls = false, client?: { key: string; cert: string }): Promise<RawImap> {
    const socket = tls ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false, ...client }) : connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const raw = new RawImap(socket);
    await raw.until(/^\* OK .*\r\n/m);
    raw.buffer = '';
    return raw;
  }

  /** STARTTLS on this connection. */
  async startTls(tag = 'st'): Promise<void> {
    await this.command(`${tag} STARTTLS`);
    await this.startTlsHandshake();
  }

  /** The TLS handshake after the server's OK to STARTTLS. */
  async startTlsHandshake(): Promise<void> {
    this.buffer = '';
    this.socket.removeAllListeners('data');
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  /** RFC 9266 tls-exporter of the client's end (TLS 1.3). */
  channelBinding(): Buffer {
    return (this.socket as TLSSocket).exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Waits until the buffer matches; returns the buffer up to the end of the match and consumes it. */
  async until(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.buffer);
      if (m) {
        const end = m.index + m[0].length;
        const out = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed; buffer: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; buffer: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a command line and returns everything up to and including its tagged response. */
  async command(line: string): Promise<string> {
    const tag = line.split(' ')[0];
    this.write(line + '\r\n');
    return this.until(new RegExp(`^${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (OK|NO|BAD)[^\r\n]*\r\n`, 'm'));
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export function sampleMessage(subject: string, body = 'Hello there.\r\n', extra = ''): Buffer {
  return Buffer.from(
    `From: Alice Example <alice@example.test>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\nDate: Mon, 02 Dec 2024 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n${extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
  );
}
