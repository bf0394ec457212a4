import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { authenticate, chooseMechanism } from './auth';
import { hasNonAscii, dotStuff, mailParameters } from './envelope';
import { SmtpClientError, SmtpStage } from './errors';
import { SmtpExtensions, noExtensions, parseExtensions } from './extensions';
import { ReplyReader, SmtpReply } from './reply-reader';
import { SmtpTlsInfo, openSocket, tlsInfo, upgradeTls } from './transport';

export interface SmtpConnectOptions {
  /** Server name: SNI, certificate check, logs. */
  host: string;
  /** IP address to connect to (default: host). */
  address?: string;
  port: number;
  /** Our name in EHLO/HELO. */
  localHostname: string;
  tlsMode: 'implicit' | 'starttls-required' | 'starttls-opportunistic' | 'none';
  /** verify (default true): the certificate must chain to a trusted CA (or `ca`) and name `host`. */
  tls?: { verify?: boolean; ca?: string | Buffer | (string | Buffer)[] };
  /** The strongest offered of SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN (limited to `mechanisms`); only over TLS. */
  auth?: { username: string; password: string; mechanisms?: string[] };
  timeouts?: { connectMs?: number; greetingMs?: number; commandMs?: number; dataMs?: number };
  /** Seam for proxies (SOCKS5); default: a TCP connection to address:port. */
  socket?: () => Promise<Socket>;
  /** Transcript hook; AUTH payloads are replaced by '***'. */
  onLine?: (direction: 'C' | 'S', line: string) => void;
}

export interface SmtpTransaction {
  /** '' is the null reverse-path (bounces). */
  mailFrom: string;
  recipients: string[];
  /** The message with CRLF line ends, not dot-stuffed. */
  data: Buffer;
  requireTls?: boolean;
  /** RFC 3461 ENVID, sent when the server offers DSN. */
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
  /** The reply after the data (or to DATA, when refused); null when DATA was not reached. */
  data: SmtpReply | null;
}

export interface SmtpSession {
  readonly greeting: SmtpReply;
  readonly extensions: SmtpExtensions;
  readonly tls: SmtpTlsInfo | null;
  readonly remoteAddress: string;
  /** One transaction; several per session are allowed. Throws SmtpClientError only when the session breaks. */
  send(tx: SmtpTransaction): Promise<SmtpTransactionResult>;
  /** QUIT and close; never throws. */
  quit(): Promise<void>;
  close(): void;
}

/**
 * RFC 5321 4.5.3.2 timeouts, simplified: one for every command reply (MAIL and RCPT 5 min;
 * DATA initiation is 2 min there) and one for the reply after the final dot (10 min).
 */
const DEFAULT_TIMEOUTS = { connectMs: 30_000, greetingMs: 300_000, commandMs: 300_000, dataMs: 600_000 };

const synthetic = (code: number, enhanced: string, text: string): SmtpReply => ({ code, enhanced, text });
const isAccepted = (reply: SmtpReply) => reply.code === 250 || reply.code === 251;

class Session implements SmtpSession {
  greeting: SmtpReply = synthetic(0, '', '');
  extensions: SmtpExtensions = noExtensions();
  tls: SmtpTlsInfo | null = null;
  private reader!: ReplyReader;
  /** A transaction was started and not finished: RSET before the next (RFC 5321 4.1.1.5). */
  private dirty = false;
  private redact = false;
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
    // A fresh reader also drops anything the server sent after 220 to STARTTLS (RFC 3207 6).
    this.reader = new ReplyReader((line) => this.options.onLine?.('S', line));
    this.reader.attach(socket);
    socket.on('error', (err) => this.reader.fail(err));
    socket.on('close', () => this.reader.fail(Object.assign(new Error('connection closed by the server'), { code: 'ECONNRESET' })));
  }

  /** The next reply. A timeout, a broken connection or a 421 closes the session with a temporary error. */
  private async read(stage: SmtpStage, timeoutMs: number): Promise<SmtpReply> {
    let timer: NodeJS.Timeout | undefined;
    let reply: SmtpReply;
    try {
      reply = await Promise.race([
        this.reader.next(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new SmtpClientError(stage, `no reply within ${timeoutMs} ms`, { temporary: true, code: 'ETIMEDOUT' })),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      this.close();
      if (err instanceof SmtpClientError) throw err;
      const code = (err as { code?: string }).code ?? 'ECONNRESET';
      throw new SmtpClientError(stage, (err as Error).message, { temporary: true, code });
    } finally {
      clearTimeout(timer);
    }
    if (reply.code === 421 && stage !== 'greeting' && stage !== 'quit') {
      // RFC 5321 3.8: 421 means the server is closing the transmission channel.
      this.close();
      throw new SmtpClientError(stage, `service closing: ${reply.code} ${reply.text}`, { reply, temporary: true, code: 'SERVICE_CLOSING' });
    }
    return reply;
  }

  private write(lines: string[]): void {
    for (const line of lines) {
      const shown = !this.redact
        ? line
        : line.startsWith('AUTH ')
          ? line.split(' ', 2).join(' ') + (line.split(' ').length > 2 ? ' ***' : '')
          : '***';
      this.options.onLine?.('C', shown);
    }
    this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  private async command(stage: SmtpStage, line: string, timeoutMs = this.timeouts.commandMs): Promise<SmtpReply> {
    this.write([line]);
    return this.read(stage, timeoutMs);
  }

  async open(implicitTls: TLSSocket | null): Promise<void> {
    if (implicitTls) this.tls = tlsInfo(implicitTls);
    this.greeting = await this.read('greeting', this.timeouts.greetingMs);
    if (this.greeting.code !== 220) {
      // RFC 5321 3.1: 554 means no SMTP service here; 421 means try later.
      throw new SmtpClientError('greeting', `greeting refused: ${this.greeting.code} ${this.greeting.text}`, {
        reply: this.greeting,
        temporary: this.greeting.code < 500,
        code: 'GREETING',
      });
    }
    await this.ehlo();
    const { tlsMode } = this.options;
    if (tlsMode === 'starttls-required' && !this.extensions.starttls) {
      throw new SmtpClientError('starttls', `${this.options.host} does not offer STARTTLS`, { temporary: true, code: 'TLS_UNAVAILABLE' });
    }
    if ((tlsMode === 'starttls-required' || tlsMode === 'starttls-opportunistic') && this.extensions.starttls) {
      // RFC 3207 4.2: after TLS, forget what the server said and ask again.
      if (await this.startTls()) await this.ehlo();
    }
    if (this.options.auth) await this.auth(this.options.auth);
  }

  private async ehlo(): Promise<void> {
    this.extensions = noExtensions();
    const reply = await this.command('ehlo', `EHLO ${this.options.localHostname}`);
    if (reply.code === 250) {
      this.extensions = parseExtensions(reply);
      return;
    }
    const refused = (r: SmtpReply) =>
      new SmtpClientError('ehlo', `EHLO/HELO refused: ${r.code} ${r.text}`, { reply: r, temporary: r.code < 500, code: 'EHLO_REFUSED' });
    if (reply.code < 500) throw refused(reply);
    // RFC 5321 4.1.4 / 3.2: a server that does not know EHLO (5xx) may still speak HELO.
    const helo = await this.command('ehlo', `HELO ${this.options.localHostname}`);
    if (helo.code !== 250) throw refused(helo);
  }

  /** RFC 3207: STARTTLS, then the session starts over on the TLS layer. False when refused and TLS is optional. */
  private async startTls(): Promise<boolean> {
    const reply = await this.command('starttls', 'STARTTLS');
    if (reply.code !== 220) {
      // RFC 3207 4: after a refusal the session goes on unchanged, in plaintext.
      if (this.options.tlsMode === 'starttls-opportunistic') return false;
      throw new SmtpClientError('starttls', `STARTTLS refused: ${reply.code} ${reply.text}`, {
        reply,
        temporary: true,
        code: 'TLS_UNAVAILABLE',
      });
    }
    const plain = this.socket;
    for (const event of ['data', 'close', 'error']) plain.removeAllListeners(event);
    plain.on('error', () => undefined); // the TLS socket reports failures from here on
    const secure = await upgradeTls(plain, this.options, this.timeouts.connectMs, 'starttls');
    this.bind(secure);
    this.tls = tlsInfo(secure);
    return true;
  }

  private async auth(auth: NonNullable<SmtpConnectOptions['auth']>): Promise<void> {
    // RFC 4954 4: credentials only inside TLS (CRAM-MD5 and SCRAM included: they allow offline guessing).
    if (!this.tls) {
      throw new SmtpClientError('auth', 'refusing to send credentials without TLS', { temporary: false, code: 'AUTH_INSECURE' });
    }
    const mechanism = chooseMechanism(this.extensions.auth, auth.mechanisms);
    if (!mechanism) {
      throw new SmtpClientError('auth', `no common AUTH mechanism (server offers ${this.extensions.auth.join(' ') || 'none'})`, {
        temporary: false,
        code: 'AUTH_FAILED',
      });
    }
    this.redact = true;
    let reply: SmtpReply;
    try {
      reply = await authenticate(mechanism, auth, (line) => this.command('auth', line));
    } finally {
      this.redact = false;
    }
    if (reply.code !== 235) {
      // RFC 4954 6: 535 bad credentials, 534 mechanism too weak (permanent); 454 temporary.
      throw new SmtpClientError('auth', `authentication failed: ${reply.code} ${reply.text}`, {
        reply,
        temporary: reply.code < 500,
        code: 'AUTH_FAILED',
      });
    }
  }

  async send(tx: SmtpTransaction): Promise<SmtpTransactionResult> {
    const refuse = (reply: SmtpReply, addresses = tx.recipients): SmtpTransactionResult => ({
      mail: reply,
      recipients: addresses.map((address) => ({ address, reply, accepted: false })),
      data: null,
    });
    const ext = this.extensions;
    if (ext.size !== null && tx.data.length > ext.size) {
      return refuse(synthetic(552, '5.3.4', `message is ${tx.data.length} octets; the server takes at most ${ext.size} (SIZE)`));
    }
    if (tx.requireTls && (!this.tls || !ext.requireTls)) {
      // RFC 8689 4.2.1: a REQUIRETLS message must not go to a hop without it (or without TLS).
      return refuse(synthetic(550, '5.7.30', 'REQUIRETLS needed but not supported by the server over TLS'));
    }
    // RFC 6531 3.2: non-ASCII addresses only to servers that offer SMTPUTF8.
    const noUtf8 = synthetic(553, '5.6.7', 'non-ASCII address but the server does not offer SMTPUTF8');
    if (!ext.smtpUtf8 && hasNonAscii(tx.mailFrom)) return refuse(noUtf8);
    const sendable = ext.smtpUtf8 ? tx.recipients : tx.recipients.filter((r) => !hasNonAscii(r));
    if (sendable.length === 0) return refuse(noUtf8);
    const result = await this.transaction(tx, sendable);
    if (sendable.length === tx.recipients.length) return result;
    const byAddress = new Map(result.recipients.map((r) => [r.address, r]));
    return {
      ...result,
      recipients: tx.recipients.map((address) => byAddress.get(address) ?? { address, reply: noUtf8, accepted: false }),
    };
  }

  private async transaction(tx: SmtpTransaction, addresses: string[]): Promise<SmtpTransactionResult> {
    if (this.socket.destroyed) throw new SmtpClientError('mail', 'the session is closed', { temporary: true, code: 'ECONNRESET' });
    if (this.dirty) await this.command('mail', 'RSET');
    const utf8 = hasNonAscii(tx.mailFrom) || addresses.some(hasNonAscii);
    const params = mailParameters(this.extensions, { ...tx, utf8 });
    const mailLine = `MAIL FROM:<${tx.mailFrom}>${params.map((p) => ` ${p}`).join('')}`;
    const rcptLines = addresses.map((r) => `RCPT TO:<${r}>`);
    const refused = (mail: SmtpReply): SmtpTransactionResult => ({
      mail,
      recipients: addresses.map((address) => ({ address, reply: mail, accepted: false })),
      data: null,
    });
    this.dirty = true;

    let mail: SmtpReply;
    const recipients: SmtpRecipientResult[] = [];
    let dataReply: SmtpReply;
    if (this.extensions.pipelining) {
      // RFC 2920 3.1: MAIL, the RCPTs and DATA go as one group (one write); replies come back in order.
      this.write([mailLine, ...rcptLines, 'DATA']);
      mail = await this.read('mail', this.timeouts.commandMs);
      for (const address of addresses) {
        const reply = await this.read('rcpt', this.timeouts.commandMs);
        recipients.push({ address, reply, accepted: mail.code === 250 && isAccepted(reply) });
      }
      dataReply = await this.read('data', this.timeouts.commandMs);
    } else {
      mail = await this.command('mail', mailLine);
      if (mail.code !== 250) return refused(mail);
      for (const [i, address] of addresses.entries()) {
        const reply = await this.command('rcpt', rcptLines[i]);
        recipients.push({ address, reply, accepted: isAccepted(reply) });
      }
      if (!recipients.some((r) => r.accepted)) return { mail, recipients, data: null };
      dataReply = await this.command('data', 'DATA');
    }

    const anyAccepted = recipients.some((r) => r.accepted);
    if (dataReply.code === 354 && !anyAccepted) {
      // RFC 2920 3.1: when a pipelined DATA got 354 although no recipient was accepted, the
      // client ends the data at once with a lone "." and disregards the reply.
      this.write(['.']);
      await this.read('data', this.timeouts.dataMs);
      return mail.code === 250 ? { mail, recipients, data: null } : refused(mail);
    }
    // A refused MAIL refuses every recipient, whatever their RCPT replies said.
    if (mail.code !== 250) return refused(mail);
    // DATA refused (RFC 2920 3.1: 554 when no recipient was valid): no content was sent.
    if (dataReply.code !== 354) return { mail, recipients, data: anyAccepted ? dataReply : null };
    this.socket.write(dotStuff(tx.data));
    const final = await this.read('data', this.timeouts.dataMs);
    // RFC 5321 4.1.1.4: the transaction ends with the reply to the dot, whatever it was.
    this.dirty = false;
    return { mail, recipients, data: final };
  }

  async quit(): Promise<void> {
    try {
      if (!this.socket.destroyed) await this.command('quit', 'QUIT', Math.min(this.timeouts.commandMs, 5_000));
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

/** Connects, reads the greeting, EHLO, STARTTLS (per tlsMode) and AUTH; the session is then ready to send. */
export async function connectSmtp(options: SmtpConnectOptions): Promise<SmtpSession> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  let socket = await openSocket(options, timeouts.connectMs);
  let implicit: TLSSocket | null = null;
  if (options.tlsMode === 'implicit') {
    // RFC 8314 3.3: TLS from the first byte.
    socket.on('error', () => undefined);
    implicit = await upgradeTls(socket, options, timeouts.connectMs, 'connect');
    socket = implicit;
  }
  socket.setNoDelay(true);
  const session = new Session(socket, options);
  try {
    await session.open(implicit);
  } catch (err) {
    session.close();
    throw err;
  }
  return session;
}
