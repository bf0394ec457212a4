import type { DkimKey, Domain, RecipientStatus } from '@postern/db';

/** A message ready to queue: composed (or received raw) but not yet signed. */
export interface SendRequest {
  accountId: string;
  source: 'api' | 'raw' | 'submission';
  /** RFC 5322 bytes, CRLF line ends. */
  message: Buffer;
  /** The From header address. */
  fromAddress: string;
  /** Envelope recipients. */
  recipients: string[];
  messageIdHeader: string;
  subject: string | null;
  extra?: Record<string, string>;
  tags?: string[];
  requireTls?: boolean | null;
  sendAt?: Date | null;
  /** The sender check's result, when the caller already made it for this From address. */
  sender?: { domain: Domain; keys: DkimKey[] };
  /** Key and SHA-256 of the request, when the caller sent `Idempotency-Key`. */
  idempotency?: { key: string; requestHash: string };
}

export interface SendResult {
  id: string;
  messageId: string;
  recipients: { id: string; address: string; status: RecipientStatus }[];
}
