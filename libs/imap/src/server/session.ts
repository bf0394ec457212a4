import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { serverChannelBinding } from '@postern/sasl';
import { PeerCertificate, TLSSocket } from 'node:tls';
import { Command, TaggedCommand } from '../protocol/command';
import { ImapParseError } from '../protocol/cursor';
import { WireValue, encodeLine, encodeLines } from '../protocol/encoder';
import { parseCommand } from '../protocol/parser';
import { CommandReader } from '../protocol/reader';
import { atom } from '../protocol/value';
import { capabilities } from './capabilities';
import { ImapCommandError, fromStoreError } from './errors';
import { MessageRenderer } from './message-parts';
import { mimeRenderer } from './mime-renderer';
import { SelectedMailbox } from './selected';
import { ConnectionInfo, ImapAuthenticator, ImapLogger, ImapMessage, ImapNotifier, ImapStore, ImapUser } from './store';

export interface ImapSessionOptions {
  store: ImapStore;
  notifier: ImapNotifier;
  auth: ImapAuthenticator;
  logger: ImapLogger;
  hostname: string;
  /** Upgrades the socket for STARTTLS; absent when no certificate is configured. */
  startTls?: (socket: Socket) => Promise<TLSSocket>;
  /** Largest APPEND literal (APPENDLIMIT, RFC 7889). */
  appendLimit: number;
  /** Largest literal in any other command. */
  maxLiteral?: number;
  /** Connection ids shown in the greeting and logs (defaults to random). */
  connectionId?: () => string;
  /** Auto-logout timers (RFC 9051 5.4: at least 30 minutes once authenticated). */
  idleTimeoutMs?: number;
  preAuthTimeoutMs?: number;
}

const STAR_ATOM = atom('*');

export type SessionState = 'notAuthenticated' | 'authenticated' | 'selected' | 'logout';

/** What a handler may return: text and a response code for the tagged OK. */
export interface Completion {
  code?: string;
  text?: string;
  /** The handler wrote the tagged response itself (STARTTLS, LOGOUT). */
  answered?: boolean;
}

export type Handler<C extends Command = Command> = (session: ImapSession, tag: string, command: C) => Promise<Completion | void>;

/** One IMAP connection: framing, the state machine, untagged updates at command boundaries. */
export class ImapSession {
  readonly id: string;
  state: SessionState = 'notAuthenticated';
  user: ImapUser | null = null;
  readonly enabled = new Set<string>();
  selected: SelectedMailbox | null = null;
  /** RFC 5182 SEARCHRES: the UIDs of the last SEARCH ... SAVE. */
  savedSearch: number[] = [];
  /** RFC 7162 3.1: CONDSTORE enabled by ENABLE, SELECT (CONDSTORE) or a MODSEQ fetch/search. */
  condstore = false;
  readonly logger: ImapLogger;
  private socket: Socket;
  private reader: CommandReader;
  private lines: Buffer[] = [];
  private waiting: ((line: Buffer | null) => void) | null = null;
  private closed = false;
  private commands = 0;
  private unsubscribe: (() => Promise<void>) | null = null;
  /** Nothing received yet on this connection. */
  private firstChunk = true;
  /** Change notices arrive (Redis pub/sub); when false, every command syncs. */
  private notices = true;
  /** Woken by change notices while a command (IDLE) waits for them. */
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    socket: Socket,
    readonly options: ImapSessionOptions,
    private handlers: (name: Command['name']) => { handler: Handler; states: SessionState[] },
  ) {
    this.socket = socket;
    this.id = options.connectionId?.() ?? randomBytes(6).toString('base64url');
    this.logger = options.logger;
    this.reader = this.newReader();
  }

  get store(): ImapStore {
    return this.options.store;
  }

  get renderer(): MessageRenderer {
    return mimeRenderer;
  }

  get secure(): boolean {
    return this.socket instanceof TLSSocket && this.socket.encrypted;
  }

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT');
  }

  get qresync(): boolean {
    return this.enabled.has('QRESYNC');
  }

  get rev2(): boolean {
    return this.enabled.has('IMAP4REV2');
  }

  get accountId(): string {
    if (!this.user) throw new ImapCommandError('BAD', null, 'not authenticated');
    return this.user.accountId;
  }

  connection(): ConnectionInfo {
    const channelBinding = this.socket instanceof TLSSocket && this.socket.encrypted ? serverChannelBinding(this.socket) : undefined;
    return {
      id: this.id,
      remoteAddress: this.socket.remoteAddress ?? '',
      secure: this.secure,
      channelBinding,
      peerCertificate: this.peerCertificate(),
    };
  }

  /** The client's TLS certificate, if it sent one (for EXTERNAL). */
  private peerCertificate(): PeerCertificate | undefined {
    if (!(this.socket instanceof TLSSocket) || !this.socket.encrypted) return undefined;
    const peer = this.socket.getPeerCertificate(false);
    return peer && Object.keys(peer).length > 0 ? peer : undefined;
  }

  /** SASL mechanisms offered now (RFC 9051 11.1: nothing that sends the password before TLS). */
  mechanisms(): string[] {
    const connection = this.connection();
    const offered = this.options.auth.mechanisms?.(connection) ?? ['PLAIN'];
    return connection.secure ? offered : offered.filter((m) => m !== 'PLAIN' && m !== 'LOGIN');
  }

  capabilityList(): string[] {
    const mechanisms = this.mechanisms();
    return capabilities({
      secure: this.secure,
      tlsAvailable: this.options.startTls !== undefined,
      authenticated: this.user !== null,
      mechanisms,
      appendLimit: this.options.appendLimit,
    });
  }

  start(): void {
    this.attach(this.socket);
    this.resetTimer();
    this.write(
      Buffer.from(
        `* OK [CAPABILITY ${this.capabilityList().join(' ')}] ${this.options.hostname} Postern IMAP ready (session ${this.id})\r\n`,
      ),
    );
    this.loop().catch((err: unknown) => {
      this.logger.error({ session: this.id, err: err instanceof Error ? err.stack : String(err) }, 'imap session failed');
      this.bye(`internal error (session ${this.id})`);
    });
  }

  private newReader(): CommandReader {
    return new CommandReader({
      onCommand: (line) => {
        this.lines.push(line);
        if (this.lines.length > 20) this.socket.pause();
        this.deliver();
      },
      literalLimit: (firstLine) => (/^\S+ APPEND /i.test(firstLine) ? this.appendLimit() : (this.options.maxLiteral ?? 65536)),
      continueLiteral: () => this.write(Buffer.from('+ Ready for literal data\r\n')),
      refuseLiteral: (tag, size, closing) => {
        // RFC 7889 / RFC 9208 5.3: TOOBIG or OVERQUOTA before the literal is read.
        const code = size > this.options.appendLimit ? 'TOOBIG' : 'OVERQUOTA';
        this.write(
          Buffer.from(`${tag} NO [${code}] literal of ${size} octets is over the ${code === 'TOOBIG' ? 'size limit' : 'quota left'}\r\n`),
        );
        if (closing) this.bye('non-synchronizing literal over the limit');
      },
      lineTooLong: () => this.bye('line too long'),
    });
  }

  private onData = (chunk: Buffer): void => {
    // A TLS handshake or other binary on the plaintext port is no IMAP client: close at once.
    if (this.firstChunk && chunk.length > 0) {
      this.firstChunk = false;
      if (chunk[0] < 0x20 || chunk[0] > 0x7e) return this.bye('that is not IMAP');
    }
    this.reader.push(chunk);
  };

  private onSocketClose = (): void => this.onClose();

  private onSocketError = (err: Error): void => this.logger.debug({ session: this.id, err: err.message }, 'imap socket error');

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onSocketClose);
    socket.on('error', this.onSocketError);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onSocketClose);
    socket.off('error', this.onSocketError);
  }

  private deliver(): void {
    if (this.waiting && this.lines.length > 0) {
      const resolve = this.waiting;
      this.waiting = null;
      const line = this.lines.shift() as Buffer;
      if (this.lines.length < 5) this.socket.resume();
      resolve(line);
    }
  }

  /** The next line or command from the client; null once the connection closed. */
  nextLine(): Promise<Buffer | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  /** Resolves on the next change notice or client line, for IDLE. */
  waitForNotice(): Promise<void> {
    if (this.selected?.dirty || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  write(bytes: Buffer): void {
    if (!this.closed && !this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  untagged(values: WireValue[]): void {
    this.write(encodeLine([atom('*'), ...values], { utf8: this.utf8 }));
  }

  /** A batch of untagged responses in one write. */
  untaggedMany(responses: WireValue[][]): void {
    if (responses.length === 0) return;
    this.write(
      encodeLines(
        responses.map((values) => [STAR_ATOM, ...values]),
        { utf8: this.utf8 },
      ),
    );
  }

  /** Waits while the client is slow to read what was written (large FETCH responses). */
  drained(): Promise<void> {
    const socket = this.socket;
    if (!socket.writableNeedDrain || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  bye(text: string): void {
    this.write(Buffer.from(`* BYE ${text}\r\n`));
    this.close();
  }

  close(): void {
    this.state = 'logout';
    this.reader.stop();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'logout';
    if (this.timer) clearTimeout(this.timer);
    this.reader.stop();
    this.waiting?.(null);
    this.waiting = null;
    this.wake?.();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    if (unsubscribe)
      unsubscribe().catch((err: unknown) => this.logger.warn({ session: this.id, err: String(err) }, 'imap unsubscribe failed'));
  }

  private resetTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    const ms = this.user ? (this.options.idleTimeoutMs ?? 30 * 60_000) : (this.options.preAuthTimeoutMs ?? 60_000);
    this.timer = setTimeout(() => this.bye('autologout; idle for too long'), ms);
    this.timer.unref();
  }

  /** Bytes the account may still store (RFC 9208), as last read; null when unlimited or unknown. */
  private quotaLeft: number | null = null;

  private appendLimit(): number {
    return this.quotaLeft === null ? this.options.appendLimit : Math.min(this.options.appendLimit, this.quotaLeft);
  }

  /** Re-reads the quota after login and after each APPEND, so an over-quota literal is refused unread. */
  async refreshQuota(): Promise<void> {
    if (!this.user) return;
    try {
      const quota = await this.store.quota(this.user.accountId);
      this.quotaLeft = quota.limitBytes > 0 ? Math.max(0, quota.limitBytes - quota.usedBytes) : null;
    } catch (err) {
      this.quotaLeft = null;
      this.logger.warn({ session: this.id, err: err instanceof Error ? err.message : String(err) }, 'imap quota read failed');
    }
  }

  /** The bytes of several messages, in their order. */
  async readRaws(messages: ImapMessage[]): Promise<Buffer[]> {
    const store = this.store;
    const map = await store.readRawMany(messages);
    return Promise.all(messages.map((m) => map.get(m.blobId) ?? store.readRaw(m)).map((raw) => Promise.resolve(raw)));
  }

  /** Called after LOGIN/AUTHENTICATE succeeded. */
  async authenticated(user: ImapUser): Promise<void> {
    this.user = user;
    this.state = 'authenticated';
    this.resetTimer();
    await this.store.ensureDefaultMailboxes(user.accountId);
    await this.refreshQuota();
    this.logger.info({ session: this.id, accountId: user.accountId, username: user.username }, 'imap login');
    try {
      this.unsubscribe = await this.options.notifier.subscribe(user.accountId, (notice) => {
        if (this.selected && notice.mailboxId === this.selected.id) {
          this.selected.dirty = true;
          const wake = this.wake;
          this.wake = null;
          wake?.();
        }
      });
    } catch (err) {
      // Without notices (Redis down) every command checks the store for changes instead.
      this.notices = false;
      this.logger.warn({ session: this.id, err: err instanceof Error ? err.message : String(err) }, 'imap change notices unavailable');
    }
    if (this.closed) await this.unsubscribe?.();
  }

  /** STARTTLS: forget buffered plaintext and continue on the TLS socket (RFC 9051 6.2.1). */
  async upgrade(): Promise<void> {
    const startTls = this.options.startTls;
    if (!startTls) throw new ImapCommandError('BAD', null, 'STARTTLS is not available');
    this.reader.reset();
    this.lines = [];
    const plain = this.socket;
    this.detach(plain);
    plain.on('error', () => undefined);
    let secure: TLSSocket;
    try {
      secure = await startTls(plain);
    } catch (err) {
      plain.destroy();
      this.onClose();
      throw new ImapCommandError('BAD', null, `TLS negotiation failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.socket = secure;
    this.reader = this.newReader();
    this.attach(secure);
  }

  /** Untagged updates for the selected mailbox, if anything changed (RFC 9051 5.2, 7.5.1). */
  async flushUpdates(allowExpunge: boolean, force = false): Promise<void> {
    const selected = this.selected;
    if (!selected || (!selected.dirty && !force && this.notices)) return;
    let responses;
    try {
      responses = await selected.sync(this.store, { allowExpunge, qresync: this.qresync, condstore: this.condstore });
    } catch (err) {
      // The selected mailbox was deleted (or renamed away) by another session.
      if (fromStoreError(err)?.code === 'NONEXISTENT') return this.bye('the selected mailbox no longer exists');
      throw err;
    }
    this.untaggedMany(responses);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const line = await this.nextLine();
      if (line === null || this.state === 'logout') return;
      this.resetTimer();
      await this.run(line);
      if ((this.state as SessionState) === 'logout') return;
    }
  }

  private async run(line: Buffer): Promise<void> {
    let parsed: TaggedCommand;
    try {
      parsed = parseCommand(line);
    } catch (err) {
      if (!(err instanceof ImapParseError)) throw err;
      // Issue 6: a connection whose first command is garbage is not an IMAP client.
      if (this.commands === 0) return this.bye('that is not IMAP');
      this.write(Buffer.from(`${err.tag ?? '*'} BAD ${err.message}\r\n`));
      return;
    }
    this.commands++;
    const { tag, command } = parsed;
    const { handler, states } = this.handlers(command.name);
    if (!states.includes(this.state)) {
      this.write(Buffer.from(`${tag} BAD ${command.name} is not allowed ${describe(this.state)}\r\n`));
      return;
    }
    try {
      const done = (await handler(this, tag, command)) ?? {};
      if (this.closed || done.answered) return;
      // Commands by sequence number must not see numbers shift under them (RFC 9051 7.5.1).
      const bySeq = (command.name === 'FETCH' || command.name === 'STORE' || command.name === 'SEARCH') && !command.uid;
      await this.flushUpdates(!bySeq);
      const code = done.code ? `[${done.code}] ` : '';
      this.write(Buffer.from(`${tag} OK ${code}${done.text ?? `${command.name} completed`}\r\n`));
    } catch (err) {
      const refusal = fromStoreError(err);
      if (refusal) {
        const code = refusal.code ? `[${refusal.code}] ` : '';
        this.write(Buffer.from(`${tag} ${refusal.status} ${code}${refusal.message.replace(/[\r\n]+/g, ' ')}\r\n`));
        return;
      }
      this.logger.error(
        { session: this.id, command: command.name, err: err instanceof Error ? err.stack : String(err) },
        'imap command failed',
      );
      this.write(Buffer.from(`${tag} NO [SERVERBUG] internal error (session ${this.id})\r\n`));
    }
  }
}

function describe(state: SessionState): string {
  switch (state) {
    case 'notAuthenticated':
      return 'before authentication';
    case 'authenticated':
      return 'without a selected mailbox';
    case 'selected':
      return 'with a selected mailbox';
    case 'logout':
      return 'after LOGOUT';
  }
}
