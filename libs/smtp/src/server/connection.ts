import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { ConnectionState } from './session-state';
import { OWN_ENHANCED_CODE } from './session-state';

/** RFC 5321 4.1 verbs (and the extensions we know); anything else as a first command is not SMTP. */
const SMTP_VERBS = new Set([
  'EHLO',
  'HELO',
  'MAIL',
  'RCPT',
  'DATA',
  'RSET',
  'NOOP',
  'QUIT',
  'VRFY',
  'EXPN',
  'HELP',
  'STARTTLS',
  'AUTH',
  'BDAT',
]);

/** Whether a first chunk is binary: a TLS record (0x16), SSLv2 hello, or control bytes in the first line. */
export function looksBinary(chunk: Buffer): boolean {
  if (chunk.length === 0) return false;
  if (chunk[0] === 0x16 || chunk[0] === 0x80) return true;
  const end = chunk.indexOf(0x0a);
  const line = chunk.subarray(0, end < 0 ? Math.min(chunk.length, 512) : end);
  return line.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0d) || b === 0x7f);
}

export interface ConnectionExtensions {
  hostname: string;
  /**
   * How long the greeting waits, so clients that talk first ("early talkers", often spam
   * software) are caught (421). smtp-server waits 100 ms; a shorter wait greets earlier.
   */
  greetingDelayMs: number;
  /** Extra EHLO keywords (LIMITS, FUTURERELEASE, AUTH ...), computed per EHLO. */
  ehloKeywords(): string[];
  /** Whether STARTTLS can be offered (a certificate is configured and TLS is not up). */
  tlsAvailable: boolean;
}

type Send = SMTPConnection['send'];

/**
 * What smtp-server does not do the way Postern needs, patched onto one connection (instance
 * properties shadow the prototype's handlers, which smtp-server looks up by name per command):
 * - the connection id in the greeting, in the STARTTLS reply and in every error reply;
 * - reply texts that carry their own enhanced status code keep it (RFC 3463) instead of
 *   getting smtp-server's default for the reply code;
 * - EHLO gets LIMITS (RFC 9422), FUTURERELEASE (RFC 4865) and our AUTH line;
 * - STARTTLS without a certificate answers 454 instead of using smtp-server's built-in one;
 * - a first command that is not SMTP (HTTP, TLS on a plaintext port, garbage) gets one error and the connection closes.
 *
 * listener.spec.ts pins each of these over a raw socket, so an smtp-server upgrade that
 * renames a hook fails a test.
 */
export function extendConnection(conn: SMTPConnection, state: ConnectionState, ext: ConnectionExtensions): void {
  const id = state.id;
  const send: Send = conn.send.bind(conn);
  conn.send = (code, data, context) => {
    if (typeof data === 'string') {
      const text = code >= 400 ? `${data} [${id}]` : data;
      return send(code, text, OWN_ENHANCED_CODE.test(data) ? false : context);
    }
    return send(code, data, context);
  };

  // RFC 5321 4.3.1: "220 <domain> <text>"; the id lets an operator find the session's logs.
  conn._sendGreeting = () => conn.send(220, `${ext.hostname} ESMTP Postern ready [${id}]`, false);

  // smtp-server's init() has already scheduled connectionReady() 100 ms out; the first call wins.
  const ready = conn.connectionReady.bind(conn);
  let greeted = false;
  conn.connectionReady = (next) => {
    if (greeted) return;
    greeted = true;
    ready(next);
  };
  if (ext.greetingDelayMs < 100) setTimeout(() => conn.connectionReady(), ext.greetingDelayMs).unref();

  const ehlo = conn.handler_EHLO.bind(conn);
  conn.handler_EHLO = (command, callback) => {
    const plain = conn.send.bind(conn);
    conn.send = (code, data, context) => {
      conn.send = plain;
      if (code === 250 && Array.isArray(data)) {
        const [first, ...features] = data;
        // smtp-server's AUTH line lists its own mechanisms, before TLS too; ours replaces it.
        const kept = features.filter((f) => !/^AUTH\b/.test(f));
        return plain(code, [first, ...kept, ...ext.ehloKeywords()], context);
      }
      return plain(code, data, context);
    };
    try {
      ehlo(command, callback);
    } finally {
      conn.send = plain;
    }
  };

  conn.handler_STARTTLS = (command, callback) => {
    // RFC 3207 4: no parameters.
    if (command.toString().trim().split(/\s+/).length > 1) {
      conn.send(501, '5.5.4 Syntax: STARTTLS');
      return callback();
    }
    if (conn.secure) {
      conn.send(503, '5.5.1 TLS is already active');
      return callback();
    }
    if (!ext.tlsAvailable) {
      // RFC 3207 4: 454 when TLS is not available for a temporary reason.
      conn.send(454, '4.7.0 TLS not available: no certificate is configured');
      return callback();
    }
    conn.send(220, `2.0.0 Ready to start TLS [${id}]`, false);
    conn.upgrade(callback);
  };

  let first = true;
  const refuseNonSmtp = (what: string) => {
    first = false;
    state.logger.info({ what }, 'not SMTP; closing');
    conn.send(500, `5.5.1 ${ext.hostname} speaks SMTP; ${what} is not an SMTP command, closing`);
    conn.close();
  };
  const onCommand = conn._onCommand.bind(conn);
  conn._onCommand = (command, callback) => {
    if (first && !conn._nextHandler) {
      first = false;
      const line = command.toString('latin1');
      const verb = line.split(' ')[0].toUpperCase();
      if (/^[A-Z]+ \/\S* HTTP\/\d/i.test(line)) return (refuseNonSmtp('an HTTP request'), callback?.());
      if (!SMTP_VERBS.has(verb)) return (refuseNonSmtp('this'), callback?.());
    }
    return onCommand(command, callback);
  };
  // Replies are small writes in a request/response dialogue: with Nagle's algorithm each can
  // wait for the peer's delayed ACK (about 40 ms on Linux), several times per message.
  conn._socket.setNoDelay(true);
  // TLS to a plaintext port (or any binary) never sends a line end, so it is caught on the socket.
  conn._socket.prependOnceListener('data', (chunk: Buffer) => {
    if (first && looksBinary(chunk)) refuseNonSmtp(chunk[0] === 0x16 ? 'a TLS handshake' : 'binary data');
  });
}
