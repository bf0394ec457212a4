/**
 * Stored SCRAM secrets (RFC 5802 section 3) for SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 7677).
 *
 * The server keeps StoredKey and ServerKey, never SaltedPassword or ClientKey: StoredKey lets it
 * check a client proof and ServerKey lets it prove that it knows the secret, but neither is
 * enough to impersonate the client (RFC 5802 section 9).
 */

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { normalizePassword } from './precis';

export type ScramHash = 'sha1' | 'sha256';

export interface ScramSecret {
  /** Base64 salt, sent to the client as the `s=` attribute. */
  salt: string;
  /** Iteration count, sent to the client as the `i=` attribute. */
  iterations: number;
  /** Base64 of H(ClientKey). */
  storedKey: string;
  /** Base64 of HMAC(SaltedPassword, "Server Key"). */
  serverKey: string;
}

export interface DeriveScramSecretOptions {
  salt?: Buffer;
  iterations?: number;
}

const DIGEST_LENGTH: Readonly<Record<ScramHash, number>> = { sha1: 20, sha256: 32 };

/** Default iteration counts; RFC 7677 section 4 asks for at least 4096. */
export const DEFAULT_SCRAM_ITERATIONS: Readonly<Record<ScramHash, number>> = {
  sha1: 4096,
  sha256: 10000,
};

/** Lowest accepted iteration count: the floor RFC 7677 section 4 sets for announced counts. */
export const MIN_SCRAM_ITERATIONS = 4096;

const DEFAULT_SALT_LENGTH = 16;

function digestLength(hash: ScramHash): number {
  if (!Object.hasOwn(DIGEST_LENGTH, hash)) {
    throw new TypeError(`unsupported SCRAM hash: ${hash}`);
  }
  return DIGEST_LENGTH[hash];
}

function hmac(hash: ScramHash, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

function decodeKey(hash: ScramHash, value: string, field: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== digestLength(hash) || bytes.toString('base64') !== value) {
    throw new TypeError(`malformed SCRAM secret: ${field} is not a base64 ${hash} digest`);
  }
  return bytes;
}

/**
 * Derives a SCRAM secret from an already normalised password.
 * @internal Use `deriveScramSecret` or `derivePasswordSecrets`.
 */
export function deriveScramSecretFromNormalized(hash: ScramHash, normalized: string, opts: DeriveScramSecretOptions = {}): ScramSecret {
  const keyLength = digestLength(hash);
  const salt = opts.salt ?? randomBytes(DEFAULT_SALT_LENGTH);
  const iterations = opts.iterations ?? DEFAULT_SCRAM_ITERATIONS[hash];
  if (salt.length === 0) {
    throw new RangeError('SCRAM salt must not be empty');
  }
  if (!Number.isSafeInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS) {
    throw new RangeError(`SCRAM iteration count must be an integer >= ${MIN_SCRAM_ITERATIONS}`);
  }
  // RFC 5802 section 2.2: Hi(str, salt, i) is PBKDF2 with HMAC as the PRF and dkLen the digest
  // length. Section 3: SaltedPassword := Hi(Normalize(password), salt, i).
  const input = Buffer.from(normalized, 'utf8');
  const saltedPassword = pbkdf2Sync(input, salt, iterations, keyLength, hash);
  // RFC 5802 section 3: ClientKey := HMAC(SaltedPassword, "Client Key"); StoredKey := H(ClientKey);
  // ServerKey := HMAC(SaltedPassword, "Server Key").
  const clientKey = hmac(hash, saltedPassword, 'Client Key');
  const storedKey = createHash(hash).update(clientKey).digest();
  const serverKey = hmac(hash, saltedPassword, 'Server Key');
  input.fill(0);
  saltedPassword.fill(0);
  clientKey.fill(0);
  return {
    salt: salt.toString('base64'),
    iterations,
    storedKey: storedKey.toString('base64'),
    serverKey: serverKey.toString('base64'),
  };
}

/**
 * Derives the stored SCRAM secret for `password` (normalised with the PRECIS OpaqueString
 * profile, which RFC 7677 section 4 and RFC 8265 use in place of SASLprep). Uses 16 random salt
 * bytes unless `opts.salt` is given.
 * @throws InvalidPasswordError if the password fails normalisation.
 * @throws RangeError for an empty salt or an iteration count below 4096.
 */
export function deriveScramSecret(hash: ScramHash, password: string, opts: DeriveScramSecretOptions = {}): ScramSecret {
  return deriveScramSecretFromNormalized(hash, normalizePassword(password), opts);
}

/**
 * ServerSignature := HMAC(ServerKey, AuthMessage) (RFC 5802 section 3); the server sends it
 * base64-encoded as the `v=` attribute of server-final-message.
 * @throws TypeError if the stored secret is malformed.
 */
export function scramServerSignature(hash: ScramHash, secret: ScramSecret, authMessage: string): Buffer {
  return hmac(hash, decodeKey(hash, secret.serverKey, 'serverKey'), authMessage);
}

/**
 * Checks the decoded `p=` ClientProof of client-final-message (RFC 5802 section 3):
 * ClientSignature := HMAC(StoredKey, AuthMessage), ClientKey := ClientProof XOR ClientSignature,
 * and the proof is valid when H(ClientKey) equals StoredKey. Compared in constant time.
 * Returns false for a proof of the wrong length.
 * @throws TypeError if the stored secret is malformed.
 */
export function verifyScramClientProof(hash: ScramHash, secret: ScramSecret, authMessage: string, proof: Buffer): boolean {
  const storedKey = decodeKey(hash, secret.storedKey, 'storedKey');
  if (proof.length !== storedKey.length) {
    return false;
  }
  const clientKey = hmac(hash, storedKey, authMessage);
  for (let i = 0; i < clientKey.length; i++) {
    clientKey[i] ^= proof[i];
  }
  const candidate = createHash(hash).update(clientKey).digest();
  clientKey.fill(0);
  return timingSafeEqual(candidate, storedKey);
}
