/**
 * Everything stored for an account password: one derived secret per SASL mechanism family, all
 * computed from the same PRECIS-normalised password (RFC 8265 section 4.2).
 */

import { cramMd5SecretFromNormalized, type CramMd5Secret } from './md5-state';
import { hashNormalizedPassword } from './password-hash';
import { normalizePassword } from './precis';
import { deriveScramSecretFromNormalized, type ScramSecret } from './scram-secret';

export interface PasswordSecrets {
  /** scrypt PHC string, for PLAIN and LOGIN. */
  hash: string;
  /** For SCRAM-SHA-1 and SCRAM-SHA-1-PLUS (RFC 5802). */
  scramSha1: ScramSecret;
  /** For SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 7677). */
  scramSha256: ScramSecret;
  /** For CRAM-MD5 (RFC 2195). */
  cramMd5: CramMd5Secret;
}

/**
 * Normalises `password` once and derives every stored secret from the result.
 * @throws InvalidPasswordError (as a rejection) if the password fails normalisation.
 */
export async function derivePasswordSecrets(password: string): Promise<PasswordSecrets> {
  const normalized = normalizePassword(password);
  const scramSha1 = deriveScramSecretFromNormalized('sha1', normalized);
  const scramSha256 = deriveScramSecretFromNormalized('sha256', normalized);
  const cramMd5 = cramMd5SecretFromNormalized(normalized);
  const hash = await hashNormalizedPassword(normalized);
  return { hash, scramSha1, scramSha256, cramMd5 };
}
