import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { format } from 'node:util';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { authContext, installAuth, type SmtpAuthenticator } from './auth-command';
import type { CertificateStore } from './certificates';
import { extendConnection } from './connection';
import { futureReleaseKeyword } from './future-release';
import type { SmtpSessionHooks } from './hooks';
import { IpLimiter, type SmtpLimits } from './ip-limits';
import { type ConnectionState } from './session-state';
import { handleData, handleMailFrom, handleRecipient } from './transaction';

export interface SmtpListenerOptions {
  /** `mx`: inbound mail, no AUTH. `submission`: AUTH required (after TLS), FUTURERELEASE. */
  mode: 'mx' | 'submission';
  /** 465: TLS from the first byte (RFC 8314 3.3); otherwise STARTTLS when a certificate is there. */
  implicitTls: boolean;
  hostname: string;
  certificates: CertificateStore | null;
  limits: SmtpLimits;
  /** Share one limiter between listeners to count a network across ports. */
  limiter?: IpLimiter;
  maxMessageSize: number;
  /** RFC 9422 LIMITS RCPTMAX: recipients per transaction. */
  rcptMax: number;
  /** Wait before the greeting, to catch clients that talk first (smtp-server: 100 ms; at most 100). */
  greetingDelayMs?: number;
  logger: Logger;
  /** Required for submission. */
  authenticate?: SmtpAuthenticator;
  hooks: SmtpSessionHooks;
  /** RFC 4865: longest hold accepted on submission (seconds); default 60 days. */
  futureReleaseMaxSeconds?: number;
  /** Connection ids (libs/observability's newConnectionId); defaults to 8 random base64url characters. */
  newConnectionId?: () => string;
  /** How long close() lets sessions finish before answering 421. */
  closeTimeoutMs?: number;
  /** Reverse DNS (PTR) of the peer, for `SmtpSessionInfo.reverseHostname`; none when absent. */
  reverseLookup?: (address: string) => Promise<string[]>;
}

export interface SmtpListener {
  readonly mode: 'mx' | 'submission';
  readonly implicitTls: boolean;
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets running sessions finish (up to closeTimeoutMs), then closes them with 421. */
  close(): Promise<void>;
  readonly port: number | null;
  readonly connections: number;
}

const DEFAULT_HOLD_SECONDS = 60 * 86400;

/** smtp-server with our connection extensions; the id of each connection is ours. */
class PosternSmtpServer extends SMTPServer {
  onConnection?: (connection: SMTPConnection) => void;
  newId: () => string = () => randomBytes(6).toString('base64url');

  override connect(socket: Socket | TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, { ...socketOptions, id: this.newId() });
    // connect() added the connection last; init() only scheduled the greeting.
    const connection = [...this.connections].at(-1);
    if (connection) this.onConnection?.(connection);
  }
}

/** smtp-server's own log lines go to the connection's child logger (by its `cid`), at debug. */
function serverLogger(base: Logger, states: Map<string, ConnectionState>) {
  const line =
    (level: 'debug' | 'warn') =>
    (entry: { cid?: string; tnx?: string } | undefined, ...args: unknown[]) => {
      const logger = (entry?.cid && states.get(entry.cid)?.logger) || base;
      logger[level]({ smtp: entry?.tnx }, format(...args));
    };
  return { trace: line('debug'), debug: line('debug'), info: line('debug'), warn: line('warn'), error: line('warn'), fatal: line('warn') };
}

/**
 * An SMTP listener (RFC 5321) on smtp-server: the MX on 25, submission on 587 (STARTTLS)
 * and 465 (implicit TLS). The listener owns syntax, TLS, AUTH, limits and replies; `hooks`
 * decide about senders, recipients and messages.
 */
export function createSmtpListener(options: SmtpListenerOptions): SmtpListener {
  const submission = options.mode === 'submission';
  if (submission && !options.authenticate) throw new Error('a submission listener needs an authenticator');
  if (options.implicitTls && !options.certificates) throw new Error('implicit TLS needs a certificate');
  const limiter = options.limiter ?? new IpLimiter(options.limits);
  const holdSeconds = options.futureReleaseMaxSeconds ?? DEFAULT_HOLD_SECONDS;
  const states = new Map<string, ConnectionState>();
  const logger = options.logger.child({ listener: options.mode, implicitTls: options.implicitTls });
  const certs = options.certificates;
  const stateOf = (session: SMTPServerSession): ConnectionState => {
    const state = states.get(session.id);
    if (!state) throw new Error(`no state for connection ${session.id}`);
    state.info.clientHostname = session.hostNameAppearsAs || '';
    return state;
  };

  const serverOptions: SMTPServerOptions = {
    name: options.hostname,
    secure: options.implicitTls,
    ...(certs ? { key: certs.default.key, cert: certs.default.cert, SNICallback: certs.sniCallback } : {}),
    // A client certificate is asked for but not required: EXTERNAL (RFC 4422 appendix A) uses it.
    ...(submission && certs ? { requestCert: true, rejectUnauthorized: false } : {}),
    hideSTARTTLS: !certs || options.implicitTls,
    hideENHANCEDSTATUSCODES: false,
    hideREQUIRETLS: false,
    hideDSN: true,
    size: options.maxMessageSize,
    rejectOversized: true,
    maxRecipients: options.rcptMax,
    authOptional: !submission,
    disabledCommands: submission ? [] : ['AUTH'],
    // Only smtp-server's own EHLO line uses this; ours replaces it (connection.ts) and AUTH is auth-command.ts.
    authMethods: ['PLAIN'],
    maxAllowedUnauthenticatedCommands: 30,
    authRequiredMessage: '5.7.0 Authentication required',
    disableReverseLookup: !options.reverseLookup,
    ...(options.reverseLookup
      ? {
          resolver: {
            reverse: (address: string, callback: (err: Error | null, hostnames?: string[]) => void) => {
              options.reverseLookup!(address).then(
                (names) => callback(null, names),
                (err: Error) => callback(err),
              );
            },
          },
        }
      : {}),
    socketTimeout: options.limits.idleTimeoutMs,
    closeTimeout: options.closeTimeoutMs ?? 10_000,
    heloResponse: '%s greets %s',
    logger: serverLogger(logger, states),

    onConnect(session, callback) {
      const state = states.get(session.id);
      if (!state) return callback();
      const refused = limiter.connect(session.remoteAddress);
      if (refused) {
        state.logger.info({ refused }, 'connection refused by limit');
        return callback(
          Object.assign(new Error(`4.7.0 Too many ${refused.what} from ${refused.group} (limit ${refused.limit}); try again later`), {
            responseCode: 421,
          }),
        );
      }
      state.counted = true;
      // smtp-server falls back to `[address]` when there is no (valid) PTR name.
      if (session.clientHostname && !session.clientHostname.startsWith('[')) state.info.reverseHostname = session.clientHostname;
      state.logger.info({ remoteAddress: session.remoteAddress, remotePort: session.remotePort }, 'connection');
      callback();
    },
    onSecure(socket, session, callback) {
      const state = states.get(session.id);
      if (state) {
        const tls = socket as TLSSocket;
        state.tlsSocket = tls;
        const cipher = tls.getCipher();
        state.info.tls = {
          protocol: tls.getProtocol() ?? 'unknown',
          cipher: cipher.standardName ?? cipher.name,
          servername: session.servername || undefined,
        };
        state.logger.debug({ tls: state.info.tls }, 'TLS established');
      }
      callback();
    },
    onMailFrom(address, session, callback) {
      handleMailFrom({ state: stateOf(session), address, limiter, hooks: options.hooks, submission, holdSeconds }).then(
        () => callback(),
        (err: Error) => callback(err),
      );
    },
    onRcptTo(address, session, callback) {
      const state = stateOf(session);
      handleRecipient({ state, address, session, hooks: options.hooks }).then(
        () => callback(),
        (err: Error) => callback(err),
      );
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const state = stateOf(session);
      handleData({ state, stream, session, limiter, hooks: options.hooks, maxMessageSize: options.maxMessageSize }).then(
        (text) => callback(null, text),
        (err: Error) => callback(err),
      );
    },
    onClose(session) {
      const state = states.get(session.id);
      if (!state) return;
      states.delete(session.id);
      if (state.counted) limiter.release(state.info.remoteAddress);
      state.logger.debug('closed');
    },
  };

  const server = new PosternSmtpServer(serverOptions);
  if (options.newConnectionId) server.newId = options.newConnectionId;
  server.on('error', (err: Error & { code?: string }) => logger.debug({ err: err.message, code: err.code }, 'connection error'));
  if (certs) {
    certs.on('change', () => {
      server.updateSecureContext({ key: certs.default.key, cert: certs.default.cert });
      logger.info('certificate reloaded');
    });
  }

  server.onConnection = (conn) => {
    const state: ConnectionState = {
      id: conn.id,
      logger: logger.child({ connectionId: conn.id }),
      info: { id: conn.id, remoteAddress: conn.remoteAddress, remotePort: conn.remotePort, clientHostname: '' },
      counted: false,
    };
    states.set(conn.id, state);
    if (options.implicitTls) {
      state.tlsSocket = conn._socket as TLSSocket;
    }
    extendConnection(conn, state, {
      hostname: options.hostname,
      greetingDelayMs: options.greetingDelayMs ?? 100,
      get tlsAvailable() {
        return certs !== null && !conn.secure;
      },
      ehloKeywords: () => {
        const keywords = [`LIMITS RCPTMAX=${options.rcptMax}`];
        if (!submission) return keywords;
        keywords.push(futureReleaseKeyword(holdSeconds));
        if (conn.secure && !conn.session.user && options.authenticate) {
          const mechanisms = options.authenticate.mechanisms(authContext(state));
          if (mechanisms.length > 0) keywords.push(`AUTH ${mechanisms.join(' ')}`);
        }
        return keywords;
      },
    });
    if (submission && options.authenticate) {
      installAuth(conn, state, {
        authenticator: options.authenticate,
        limiter,
        onSuccess: (user) => {
          state.info.user = user;
          state.logger = state.logger.child({ accountId: user.accountId });
        },
      });
    }
  };

  let port: number | null = null;
  return {
    mode: options.mode,
    implicitTls: options.implicitTls,
    get port() {
      return port;
    },
    get connections() {
      return server.connections.size;
    },
    listen: (listenPort, host) =>
      new Promise<number>((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(listenPort, host, () => {
          server.server.off('error', reject);
          port = (server.server.address() as AddressInfo).port;
          logger.info({ port, host }, 'SMTP listener ready');
          resolve(port);
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
