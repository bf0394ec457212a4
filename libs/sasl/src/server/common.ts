import type { SaslFailureReason, SaslStep } from './types';

/** The per-mechanism state machine behind a session; the session wrapper guards its use. */
export interface MechanismHandler {
  start(initialResponse: Buffer | undefined): Promise<SaslStep>;
  step(response: Buffer): Promise<SaslStep>;
}

export function fail(reason: SaslFailureReason, text: string): SaslStep {
  return { failure: { reason, text } };
}

export function challenge(data: Buffer | string): SaslStep {
  return { challenge: typeof data === 'string' ? Buffer.from(data, 'utf8') : data };
}

export const INVALID_CREDENTIALS = 'Authentication credentials invalid';

/** Canonical padded base64 (RFC 4648 4), as SASL carries it (RFC 4954 4, RFC 5802 7). */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes bytes that SASL requires to be UTF-8 (RFC 4616 2, RFC 5802 5.1, RFC 2195 2), or
 * returns undefined for invalid UTF-8 or a NUL, which no identity or password may contain.
 */
export function decodeUtf8(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  return text.includes('\u0000') ? undefined : text;
}

/** Runs a check over stored secrets, treating a malformed stored secret as a failed check. */
export function safeCheck(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
