import { Socket, connect as netConnect } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { ReplyReader, SmtpReply } from './reply-reader';
import { chooseMechanism, authenticate } from './auth';

export type { SmtpReply } from './reply-reader';

export type SmtpStage = 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'data' | 'quit';

/** A session-level failure: no connection, a refused greeting, TLS or AUTH trouble, a timeout. */
export class SmtpClientError extends Error {
  constructor(
    readonly stage: SmtpStage,
    message: string,
    readonly options: { reply?: SmtpReply | null; temporary: boolean; code: string },
  ) {
    super(message);
    this.name = 'SmtpClientError';
  }

  get reply(): SmtpReply | null {
    return this.options.reply ?? null;
  }

  get temporary(): boolean {
    return this.options.temporary;
  }

  get code(): string {
    return this.options.code;
  }
}

export interface SmtpExtensions {
  pipelining: boolean;
  size: number | null;
  starttls: boolean;
  requireTls: boolean;
  smtpUtf8: boolean;
  eightBitMime: boolean;
  enhancedStatusCodes: boolean;
  /** RFC 9422 LIMITS RCPTMAX. */
  rcptMax: number | null;
  auth: string[];
  raw: Map<string, string>;
}

export interface SmtpTlsInfo {
  protocol: string;
  cipher: string;
  authorized: boolean;
  authorizationError: string | null;
}

export interface SmtpConnectOptions {
  host: string;
  address?: string;
  port: number;
  localHostname: string;
  tlsMode: 'implicit' | 'starttls-required' | 'starttls-opportunistic' | 'none';
  tls?: { verify?: boolean; ca?: string | Buffer | (string | Buffer)[] };
  auth?: { username: string; password: string; mechanisms?: string[] };
  timeouts?: { connectMs?: number; greetingMs?: number; commandMs?: number; dataMs?: number };
  socket?: () => Promise<Socket>;
  onLine?: (direction: 'C' | 'S', line: string) => void;
}

export interface SmtpTransaction {
  mailFrom: string;
  recipients: string[];
  data: Buffer;
  requireTls?: boolean;
  envelopeId?: string;
}

export interface SmtpRecipientResult {
  address: string;
  reply: SmtpReply;
  accepted: boolean;
}

export interface SmtpTransactionResult {
  mail: SmtpReply;
  recipients: SmtpRecipientResult[];
  data: SmtpReply | null;
}

export interface SmtpSession {
  readonly greeting: SmtpReply;
  readonly extensions: SmtpExtensions;
  readonly tls: SmtpTlsInfo | null;
  readonly remoteAddress: string;
  send(tx: SmtpTransaction): Promise<SmtpTransactionResult>;
  quit(): Promise<void>;
  close(): void;
}

/** RFC 5321 4.5.3.2 timeouts, shortened where waiting minutes helps nobody. */
const DEFAULT_TIMEOUTS = { connectMs: 30_000, greetingMs: 300_000, commandMs: 300_000, dataMs: 600_000 };

const synthetic = (code: number, enhanced: string, text: string): SmtpReply => ({ code, enhanced, text });

function parseExtensions(reply: SmtpReply): SmtpExtensions {
  const raw = new Map<string, string>();
  // The first line is the server's greeting name; each further line is one extension (RFC 5321 4.1.1.1).
  for (const line of reply.text.split('\n').slice(1)) {
    const [keyword] = line.trim().split(/[ =]/, 1);
    if (keyword) raw.set(keyword.toUpperCase(), line.trim().slice(keyword.length + 1));
  }
  const limits = raw.get('LIMITS') ?? '';
  const rcptMax = /(?:^|\s)RCPTMAX=(\d+)/i.exec(limits);
  const size = raw.get('SIZE');
  return {
    pipelining: raw.has('PIPELINING'),
    size: size && /^\d+$/.test(size) && Number(size) > 0 ? Number(size) : null,
    starttls: raw.has('STARTTLS'),
    requireTls: raw.has('REQUIRETLS'),
    smtpUtf8: raw.has('SMTPUTF8'),
    eightBitMime: raw.has('8BITMIME'),
    enhancedStatusCodes: raw.has('ENHANCEDSTATUSCODES'),
    rcptMax: rcptMax ? Number(rcptMax[1]) : null,
    auth: (raw.get('AUTH') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((m) => m.toUpperCase()),
    raw,
  };
}

/** RFC 5321 4.5.2: a line starting with "." gets another "."; the data ends with CRLF.CRLF. */
export function dotStuff(data: Buffer): Buffer {
  let text = data.toString('latin1');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(`${text.replace(/^\./gm, '..')}.\r\n`, 'latin1');
}

const hasNonAscii = (s: string) => [...s].some((c) => c.charCodeAt(0) > 0x7f);

class Session implements SmtpSession {
  greeting!: SmtpReply;
  extensions!: SmtpExtensions;
  tls: SmtpTlsInfo | null = null;
  private reader!: ReplyReader;
  private dirty = false;
  private readonly timeouts: typeof DEFAULT_TIMEOUTS;

  constructor(
    private socket: Socket,
    private readonly options: SmtpConnectOptions,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.bind(socket);
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? this.options.address ?? this.options.host;
  }

  private bind(socket: Socket): void {
    this.socket = socket;
    this.reader = new ReplyReader((line) => this.options.onLine?.('S', line));
    this.reader.attach(socket);
    socket.on('error', (err) => this.reader.fail(err));
    socket.on('close', () => this.reader.fail(Object.assign(new Error('connection closed by the server'), { code: 'ECONNRESET' })));
  }

  /** The next reply, or a temporary SmtpClientError when it does not come in time. */
  private async read(stage: SmtpStage, timeoutMs: number): Promise<SmtpReply> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.reader.next(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new SmtpClientError(stage, `no reply within ${timeoutMs} ms`, { temporary: true, code: 'ETIMEDOUT' })),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      if (err instanceof SmtpClientError) throw err;
      const code = (err as { code?: string }).code ?? 'ECONNRESET';
      throw new SmtpClientError(stage, (err as Error).message, { temporary: true, code });
    } finally {
      clearTimeout(timer);
    }
  }

  private write(lines: string[]): void {
    for (const line of lines) this.options.onLine?.('C', line.startsWith('AUTH ') ? line.split(' ').slice(0, 2).join(' ') + ' ***' : line);
    this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  async command(stage: SmtpStage, line: string, timeoutMs = this.timeouts.commandMs): Promise<SmtpReply> {
    this.write([line]);
    return this.read(stage, timeoutMs);
  }

  async open(): Promise<void> {
    this.greeting = await this.read('greeting', this.timeouts.greetingMs);
    if (this.greeting.code !== 220) {
      // RFC 5321 3.1: 554 means no service here; 421 try later.
      throw new SmtpClientError('greeting', `greeting refused: ${this.greeting.code} ${this.greeting.text}`, {
        reply: this.greeting,
        temporary: this.greeting.code < 500,
        code: 'GREETING',
      });
    }
    await this.ehlo();
    const { tlsMode } = this.options;
    if (tlsMode === 'starttls-required' || (tlsMode === 'starttls-opportunistic' && this.extensions.starttls)) {
      if (!this.extensions.starttls) {
        throw new SmtpClientError('starttls', `${this.options.host} does not offer STARTTLS`, { temporary: true, code: 'TLS_UNAVAILABLE' });
      }
      await this.startTls();
      await this.ehlo();
    }
    if (this.options.auth) await this.auth();
  }

  private async ehlo(): Promise<void> {
    const reply = await this.command('ehlo', `EHLO ${this.options.localHostname}`);
    if (reply.code === 250) {
      this.extensions = parseExtensions(reply);
      return;
    }
    // RFC 5321 4.1.4: a server that does not know EHLO may still speak HELO.
    const helo = await this.command('ehlo', `HELO ${this.options.localHostname}`);
    if (helo.code !== 250) {
      throw new SmtpClientError('ehlo', `EHLO/HELO refused: ${helo.code} ${helo.text}`, {
        reply: helo,
        temporary: helo.code < 500,
        code: 'EHLO',
      });
    }
    this.extensions = parseExtensions({ ...helo, text: helo.text.split('\n')[0] });
  }

  /** RFC 3207: STARTTLS, then the session starts over on the TLS layer. */
  private async startTls(): Promise<void> {
    const reply = await this.command('starttls', 'STARTTLS');
    if (reply.code !== 220) {
      throw new SmtpClientError('starttls', `STARTTLS refused: ${reply.code} ${reply.text}`, {
        reply,
        temporary: true,
        code: 'TLS_FAILED',
      });
    }
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('error');
    const secure = await upgrade(this.socket, this.options, this.timeouts.connectMs);
    this.bind(secure);
    this.tls = tlsInfo(secure);
  }

  adoptTls(socket: TLSSocket): void {
    this.tls = tlsInfo(socket);
  }

  private async auth(): Promise<void> {
    const auth = this.options.auth!;
    if (!this.tls)
      throw new SmtpClientError('auth', 'refusing to send credentials without TLS', { temporary: false, code: 'AUTH_INSECURE' });
    const mechanism = chooseMechanism(this.extensions.auth, auth.mechanisms);
    if (!mechanism) {
      throw new SmtpClientError('auth', `no common AUTH mechanism (server offers ${this.extensions.auth.join(' ') || 'none'})`, {
        temporary: false,
        code: 'AUTH_FAILED',
      });
    }
    const reply = await authenticate(mechanism, auth, (line) => this.command('auth', line));
    if (reply.code !== 235) {
      throw new SmtpClientError('auth', `authentication failed: ${reply.code} ${reply.text}`, {
        reply,
        temporary: reply.code < 500,
        code: 'AUTH_FAILED',
      });
    }
  }

  async send(tx: SmtpTransaction): Promise<SmtpTransactionResult> {
    const refuse = (reply: SmtpReply): SmtpTransactionResult => ({
      mail: reply,
      recipients: tx.recipients.map((address) => ({ address, reply, accepted: false })),
      data: null,
    });
    const ext = this.extensions;
    if (ext.size !== null && tx.data.length > ext.size) {
      return refuse(synthetic(552, '5.3.4', `message is ${tx.data.length} bytes; the server takes at most ${ext.size} (SIZE)`));
    }
    const utf8 = hasNonAscii(tx.mailFrom) || tx.recipients.some(hasNonAscii);
    if (utf8 && !ext.smtpUtf8)
      return refuse(synthetic(553, '5.6.7', 'non-ASCII address but the server does not offer SMTPUTF8 (RFC 6531)'));
    if (tx.requireTls && (!this.tls || !ext.requireTls)) {
      // RFC 8689 4.2.1: without REQUIRETLS at the next hop the message must not be relayed.
      return refuse(synthetic(550, '5.7.30', 'REQUIRETLS is required but the server does not offer it over TLS'));
    }
    if (this.dirty) {
      await this.command('mail', 'RSET');
      this.dirty = false;
    }
    const params: string[] = [];
    if (ext.size !== null) params.push(`SIZE=${tx.data.length}`);
    if (ext.eightBitMime && tx.data.some((b) => b > 127)) params.push('BODY=8BITMIME');
    if (utf8) params.push('SMTPUTF8');
    if (tx.requireTls) params.push('REQUIRETLS');
    const mailLine = `MAIL FROM:<${tx.mailFrom}>${params.length ? ` ${params.join(' ')}` : ''}`;
    const rcptLines = tx.recipients.map((r) => `RCPT TO:<${r}>`);
    this.dirty = true;

    let mail: SmtpReply;
    const recipients: SmtpRecipientResult[] = [];
    let dataReply: SmtpReply;
    if (ext.pipelining) {
      // RFC 2920 3.1: MAIL, RCPTs and DATA go in one group; the replies come back in order.
      this.write([mailLine, ...rcptLines, 'DATA']);
      mail = await this.read('mail', this.timeouts.commandMs);
      for (const address of tx.recipients) {
        const reply = await this.read('rcpt', this.timeouts.commandMs);
        recipients.push({ address, reply, accepted: mail.code === 250 && (reply.code === 250 || reply.code === 251) });
      }
      dataReply = await this.read('data', this.timeouts.commandMs);
    } else {
      mail = await this.command('mail', mailLine);
      if (mail.code !== 250) return { ...refuse(mail), mail };
      for (const [i, address] of tx.recipients.entries()) {
        const reply = await this.command('rcpt', rcptLines[i]);
        recipients.push({ address, reply, accepted: reply.code === 250 || reply.code === 251 });
      }
      if (!recipients.some((r) => r.accepted)) return { mail, recipients, data: null };
      dataReply = await this.command('data', 'DATA');
    }
    if (mail.code !== 250) return { ...refuse(mail), mail };
    const accepted = recipients.some((r) => r.accepted);
    if (dataReply.code !== 354) {
      // DATA refused (RFC 2920: 554 when no recipient was valid): nothing was sent.
      return { mail, recipients, data: accepted ? dataReply : null };
    }
    if (!accepted) {
      // RFC 2920 3.1: a server that answered 354 anyway gets an empty message ended at once.
      this.write(['.']);
      await this.read('data', this.timeouts.commandMs);
      return { mail, recipients, data: null };
    }
    this.socket.write(dotStuff(tx.data));
    const final = await this.read('data', this.timeouts.dataMs);
    this.dirty = false;
    return { mail, recipients, data: final };
  }

  async quit(): Promise<void> {
    try {
      if (!this.socket.destroyed) await this.command('quit', 'QUIT', 5_000);
    } catch {
      // the server went away first: nothing left to say
    } finally {
      this.close();
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function tlsInfo(socket: TLSSocket): SmtpTlsInfo {
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.name ?? 'unknown',
    authorized: socket.authorized,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
  };
}

function upgrade(socket: Socket, options: SmtpConnectOptions, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const verify = options.tls?.verify ?? true;
    const secure = tlsConnect({
      socket,
      servername: options.host,
      rejectUnauthorized: verify,
      ca: options.tls?.ca,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => secure.destroy(new Error(`TLS handshake timed out after ${timeoutMs} ms`)), timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      resolve(secure);
    });
    secure.once('error', (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new SmtpClientError('starttls', `TLS with ${options.host} failed: ${err.message}`, { temporary: true, code: 'TLS_FAILED' }));
    });
  });
}

function openSocket(options: SmtpConnectOptions, timeoutMs: number): Promise<Socket> {
  if (options.socket) return options.socket();
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: options.address ?? options.host, port: options.port });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new SmtpClientError(
          'connect',
          `cannot connect to ${options.host} (${options.address ?? options.host}:${options.port}): ${err.message}`,
          {
            temporary: true,
            code: err.code ?? 'ECONNREFUSED',
          },
        ),
      );
    });
  });
}

/** Connects, reads the greeting, EHLO, STARTTLS (per tlsMode) and AUTH; the session is then ready to send. */
export async function connectSmtp(options: SmtpConnectOptions): Promise<SmtpSession> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  let socket = await openSocket(options, timeouts.connectMs);
  let implicit: TLSSocket | null = null;
  if (options.tlsMode === 'implicit') {
    implicit = await upgrade(socket, options, timeouts.connectMs);
    socket = implicit;
  }
  socket.setNoDelay(true);
  const session = new Session(socket, options);
  if (implicit) session.adoptTls(implicit);
  try {
    await session.open();
  } catch (err) {
    session.close();
    throw err;
  }
  return session;
}
