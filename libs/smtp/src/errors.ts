import type { SmtpReply } from './reply-reader';

export type SmtpStage = 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'data' | 'quit';

/**
 * A session-level failure: no connection, a refused greeting, TLS or AUTH trouble, a timeout,
 * a dropped connection. `reply` is the server's answer when there was one; `temporary` says
 * whether trying again later (or elsewhere) may succeed; `code` is ours ('ECONNREFUSED',
 * 'ETIMEDOUT', 'TLS_FAILED', 'TLS_UNAVAILABLE', 'AUTH_FAILED', 'PROTOCOL', ...).
 */
export class SmtpClientError extends Error {
  readonly reply: SmtpReply | null;
  readonly temporary: boolean;
  readonly code: string;

  constructor(
    readonly stage: SmtpStage,
    message: string,
    options: { reply?: SmtpReply | null; temporary: boolean; code: string },
  ) {
    super(message);
    this.name = 'SmtpClientError';
    this.reply = options.reply ?? null;
    this.temporary = options.temporary;
    this.code = options.code;
  }
}
