/**
 * The server side of SASL (RFC 4422) as the SMTP submission server (AUTH, RFC 4954) and the
 * IMAP server (AUTHENTICATE, RFC 9051 6.2.2) use it. The protocol server owns the framing
 * (`334 <base64>` / `+ <base64>`, the client's `*`, reply codes); a session here only sees the
 * decoded bytes and answers with the next challenge, a success or a failure.
 */

import type { PasswordSecrets } from '../password-secrets';

/** Every mechanism `createSaslServer` implements, by its IANA name (RFC 4422 3.1). */
export const SASL_MECHANISMS = [
  'SCRAM-SHA-256-PLUS',
  'SCRAM-SHA-1-PLUS',
  'SCRAM-SHA-256',
  'SCRAM-SHA-1',
  'CRAM-MD5',
  'PLAIN',
  'LOGIN',
  'EXTERNAL',
] as const;

export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/**
 * Why an exchange failed, for the protocol server to pick a reply:
 * - `invalid-credentials`: wrong password or proof, unknown user, authzid not allowed
 *   (SMTP 535 5.7.8, IMAP NO [AUTHENTICATIONFAILED]);
 * - `malformed`: the client's message does not parse (SMTP 501 5.5.2, IMAP BAD);
 * - `unsupported`: mechanism not known or not available here (SMTP 504 5.5.4, IMAP NO/BAD);
 * - `channel-binding`: SCRAM channel binding refused or did not match (as invalid-credentials);
 * - `aborted`: the client sent `*` (SMTP 501 5.0.0, IMAP BAD).
 */
export type SaslFailureReason = 'invalid-credentials' | 'malformed' | 'unsupported' | 'channel-binding' | 'aborted';

export interface SaslFailure {
  reason: SaslFailureReason;
  /**
   * Text for the reply. For SCRAM it is the server-error of RFC 5802 7 (`e=invalid-proof`,
   * `e=channel-bindings-dont-match`, ...), which a protocol may also send as the final message.
   * Never contains the password, and never says whether the user exists.
   */
  text: string;
}

/** Who authenticated. */
export interface SaslIdentity {
  /** The authentication identity as the client sent it (authcid, SCRAM `n=`, ...). */
  username: string;
  accountId: string;
}

export type SaslStep =
  /** Send the challenge (`334 ` / `+ ` with its base64; an empty one is sent as nothing after the space). */
  | { challenge: Buffer }
  /**
   * Authenticated. `additionalData` (SCRAM server-final `v=...`, which the client checks to know
   * the server holds its secret) must reach the client: where the protocol has no room for data
   * in its success reply (SMTP, RFC 4954 4), send it as one more challenge, wait for the client's
   * empty answer, then send the success.
   */
  | { success: SaslIdentity; additionalData?: Buffer }
  | { failure: SaslFailure };

/** What is stored for one login name, as the protocol server's `lookup` finds it. */
export interface SaslAccount {
  accountId: string;
  secrets: PasswordSecrets;
}

/** TLS channel binding data of the connection (RFC 5929, RFC 9266). */
export interface SaslChannelBinding {
  /** `tls-exporter` on TLS 1.3 (RFC 9266), `tls-unique` on TLS 1.2 (RFC 5929 3). */
  type: 'tls-exporter' | 'tls-unique';
  /**
   * `serverChannelBinding(socket)` computes it. tls-exporter is
   * `socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0))`; tls-unique
   * is the first Finished of the handshake, which on the server is `getPeerFinished()` (the
   * client's) unless the session was resumed, not the server's own `getFinished()`.
   */
  data: Buffer;
}

export interface SaslServerOptions {
  /**
   * Finds the stored secrets for a login name, given as the client sent it (decoded from the
   * mechanism's syntax, not normalised: fold case or NFC here as the account store does); null
   * for an unknown name. A rejection (the database is down) is passed on by `start`/`step`:
   * answer it as a temporary failure (SMTP 454 4.7.0, IMAP NO [UNAVAILABLE]).
   */
  lookup(username: string): Promise<SaslAccount | null>;
  /** Set on a TLS connection: offers and checks SCRAM-*-PLUS. */
  channelBinding?: SaslChannelBinding;
  /** For EXTERNAL: the account the caller resolved from the client certificate. */
  externalIdentity?: SaslIdentity;
  /** Hostname in the CRAM-MD5 challenge (RFC 2195 2); defaults to `os.hostname()`. */
  hostname?: string;
  /** Fixed server nonce (the part SCRAM appends to the client's, or CRAM-MD5's random part): tests only. */
  nonce?: string;
  /**
   * Key that derives the fake SCRAM salt shown for unknown users. Give every instance the same
   * key so that no two instances answer the same unknown name differently; defaults to a key
   * random per process.
   */
  unknownUserKey?: Buffer;
}

/** One authentication exchange. Never throws for bad client input; see `SaslServerOptions.lookup`. */
export interface SaslSession {
  /** The mechanism as the client named it, upper-cased (one of SASL_MECHANISMS unless unsupported). */
  readonly mechanism: string;
  /**
   * Begins the exchange. `initialResponse` is undefined when the client sent none, and an empty
   * buffer when it sent an empty one (`=` in SMTP and IMAP SASL-IR): RFC 4422 3.3 keeps the two apart.
   */
  start(initialResponse?: Buffer): Promise<SaslStep>;
  /** The client's answer to the last challenge, base64-decoded. */
  step(response: Buffer): Promise<SaslStep>;
  /** The client cancelled with `*` (RFC 4422 3.4, RFC 4954 4, RFC 9051 6.2.2). */
  abort(): SaslStep;
}
