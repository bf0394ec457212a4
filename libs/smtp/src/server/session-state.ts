import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { SmtpSessionInfo } from './hooks';

/** What the listener keeps per connection beside smtp-server's own session. */
export interface ConnectionState {
  id: string;
  logger: Logger;
  info: SmtpSessionInfo;
  /** Counted against the concurrent-connection limit (released at close). */
  counted: boolean;
  tlsSocket?: TLSSocket;
  /** RFC 4865 release time of the current transaction. */
  holdUntil?: Date;
}

/** A reply text that carries its enhanced status code (RFC 3463) already: `5.7.0 text`. */
export const OWN_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

/** An error as smtp-server's handler callbacks take it: the reply code and the text (with its enhanced code). */
export function replyError(code: number, enhanced: string, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(`${enhanced} ${text}`), { responseCode: code });
}
