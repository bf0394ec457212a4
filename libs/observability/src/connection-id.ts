import { randomBytes } from 'node:crypto';

/**
 * A short id for a request, job or protocol connection. The SMTP/IMAP greeting and error
 * replies show it, and every log line of the session carries it, so an operator can find
 * a session from a client's error message.
 */
export function newConnectionId(): string {
  return randomBytes(6).toString('base64url');
}
