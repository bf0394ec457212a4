import type { PeerCertificate } from 'node:tls';
import { type SaslSession, type SaslStep, decodeSaslResponse, serverChannelBinding } from '@postern/sasl';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { SmtpSessionInfo } from './hooks';
import type { IpLimiter } from './ip-limits';
import type { ConnectionState } from './session-state';

/** One step of a SASL exchange: libs/sasl's. */
export type SmtpSaslStep = SaslStep;

/** libs/sasl's server session (the mechanism name is not needed here). */
export type SmtpSaslSession = Omit<SaslSession, 'mechanism'>;

/** What an authenticator knows about the connection. */
export interface SmtpAuthContext {
  session: SmtpSessionInfo;
  /** TLS channel binding (RFC 9266 tls-exporter on TLS 1.3, RFC 5929 tls-unique on TLS 1.2), from libs/sasl. */
  channelBinding?: { type: 'tls-exporter' | 'tls-unique'; data: Buffer };
  /** The TLS client certificate, when the client sent one (for EXTERNAL). */
  peerCertificate?: PeerCertificate;
}

/** Submission's AUTH: which mechanisms this connection offers and a SASL session for one. */
export interface SmtpAuthenticator {
  mechanisms(context: SmtpAuthContext): string[];
  createSession(mechanism: string, context: SmtpAuthContext): SmtpSaslSession | null;
}

export function authContext(state: ConnectionState): SmtpAuthContext {
  const socket = state.tlsSocket;
  const context: SmtpAuthContext = { session: state.info };
  if (!socket) return context;
  try {
    context.channelBinding = serverChannelBinding(socket);
  } catch {
    // no channel binding: the -PLUS mechanisms are simply not offered
  }
  const peer = socket.getPeerCertificate();
  if (peer && Object.keys(peer).length > 0) context.peerCertificate = peer;
  return context;
}

/**
 * AUTH (RFC 4954) over any SASL session: smtp-server only knows PLAIN, LOGIN, CRAM-MD5 and
 * XOAUTH2, so the whole command is ours. Only after TLS; failures answer 535 and keep the
 * connection; after `authFailuresBeforeDelay` failures from an address every reply waits,
 * and past `authFailuresPerHour` AUTH is refused for the hour.
 */
export function installAuth(
  conn: SMTPConnection,
  state: ConnectionState,
  options: { authenticator: SmtpAuthenticator; limiter: IpLimiter; onSuccess(user: NonNullable<SmtpSessionInfo['user']>): void },
): void {
  const { authenticator, limiter } = options;
  const ip = state.info.remoteAddress;
  conn.handler_AUTH = (command, callback) => {
    const args = command.toString().trim().split(/\s+/).slice(1);
    const mechanism = (args[0] ?? '').toUpperCase();
    const initial = args[1];
    // RFC 4954 4: AUTH is refused before TLS here (PLAIN would expose the password), once
    // authenticated, and inside a mail transaction.
    if (!conn.secure) return (conn.send(530, '5.7.0 Must issue a STARTTLS command first'), callback());
    if (conn.session.user) return (conn.send(503, '5.5.1 Already authenticated'), callback());
    if (conn.session.envelope.mailFrom) return (conn.send(503, '5.5.1 AUTH is not allowed during a mail transaction'), callback());
    if (!mechanism || args.length > 2) return (conn.send(501, '5.5.4 Syntax: AUTH mechanism [initial-response]'), callback());
    if (limiter.authFailures(ip) >= limiter.limits.authFailuresPerHour) {
      state.logger.warn({ ip }, 'AUTH refused: too many failures from this address');
      return (conn.send(454, '4.7.0 Too many failed authentications from your address; try again later'), callback());
    }
    const context = authContext(state);
    const sasl = authenticator.mechanisms(context).includes(mechanism) ? authenticator.createSession(mechanism, context) : null;
    if (!sasl) return (conn.send(504, `5.5.4 Mechanism ${mechanism.slice(0, 40)} is not available`), callback());
    const decoded = initial === undefined ? undefined : decodeSaslResponse(initial, { initial: true });
    // An initial response is base64 or `=` (RFC 4954 4); `*` only answers a challenge.
    const initialResponse = decoded === 'abort' ? undefined : decoded;
    if (initial !== undefined && initialResponse === undefined) {
      return (conn.send(501, '5.5.2 The initial response is not base64'), callback());
    }
    const delay = limiter.authDelayMs(ip);

    const finish = (code: number, text: string, done: () => void) => {
      setTimeout(() => {
        conn.send(code, text);
        done();
      }, delay).unref();
    };
    const handle = (step: SmtpSaslStep, done: () => void): void => {
      if ('challenge' in step) {
        conn.send(334, step.challenge.toString('base64'));
        conn._nextHandler = (line, next) => respond(line, next);
        return done();
      }
      if ('success' in step) {
        const succeed = (next: () => void) => {
          const user = { ...step.success, mechanism };
          conn.session.user = user;
          conn.session.transmissionType = conn._transmissionType();
          options.onSuccess(user);
          state.logger.info({ username: user.username, accountId: user.accountId, mechanism }, 'authenticated');
          finish(235, '2.7.0 Authentication successful', next);
        };
        if (!step.additionalData) return succeed(done);
        // RFC 4954 4: additional data on success goes in a 334 the client answers with an empty line.
        conn.send(334, step.additionalData.toString('base64'));
        conn._nextHandler = (line, next) => {
          if (line.toString().trim() === '*') return handle(sasl.abort(), next);
          succeed(next);
        };
        return done();
      }
      const { reason, text } = step.failure;
      if (reason !== 'aborted') limiter.authFailed(ip);
      state.logger.info({ mechanism, reason }, 'authentication failed');
      switch (reason) {
        case 'malformed':
          return finish(501, `5.5.2 ${text}`, done);
        case 'unsupported':
          return finish(504, `5.5.4 ${text}`, done);
        case 'aborted':
          return finish(501, '5.0.0 Authentication aborted', done);
        case 'invalid-credentials':
        case 'channel-binding':
          return finish(535, `5.7.8 Authentication credentials invalid${text && text !== 'invalid credentials' ? ` (${text})` : ''}`, done);
      }
    };
    const run = (promise: Promise<SmtpSaslStep>, done: () => void) => {
      promise.then(
        (step) => handle(step, done),
        (err: unknown) => {
          state.logger.error({ err }, 'authentication lookup failed');
          // RFC 4954 6: 454 for a temporary server failure.
          finish(454, '4.7.0 Temporary authentication failure', done);
        },
      );
    };
    const respond = (line: Buffer, next: () => void) => {
      const response = decodeSaslResponse(line.toString().trim());
      if (response === 'abort') return handle(sasl.abort(), next);
      if (response === undefined) {
        limiter.authFailed(ip);
        return finish(501, '5.5.2 The response is not base64', next);
      }
      run(sasl.step(response), next);
    };
    run(sasl.start(initialResponse), callback);
  };
}
