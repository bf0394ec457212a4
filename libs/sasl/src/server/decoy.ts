/**
 * Stand-in secrets for unknown users, so an exchange for a name that does not exist costs the
 * same steps and the same work as one with a wrong password, and answers the same way.
 */

import { createHmac, randomBytes } from 'node:crypto';
import { cramMd5Secret, type CramMd5Secret } from '../md5-state';
import { unmatchableHash } from '../password-hash';
import { DEFAULT_SCRAM_ITERATIONS, type ScramHash, type ScramSecret } from '../scram-secret';

const processKey = randomBytes(32);
const decoyHash = unmatchableHash();
let decoyCramMd5: CramMd5Secret | undefined;

/** An scrypt hash with the default parameters that no password matches. */
export function decoyPasswordHash(): string {
  return decoyHash;
}

export function decoyCramMd5Secret(): CramMd5Secret {
  decoyCramMd5 ??= cramMd5Secret(randomBytes(24).toString('base64'));
  return decoyCramMd5;
}

/**
 * A SCRAM secret for an unknown name. The salt is derived from the name with a server key, so
 * asking twice for the same name shows the same salt, as it would for a real account; the keys
 * are random, so no proof verifies.
 */
export function decoyScramSecret(hash: ScramHash, username: string, key: Buffer = processKey): ScramSecret {
  const salt = createHmac('sha256', key).update(`scram-${hash}-salt\u0000${username}`).digest().subarray(0, 16);
  const length = hash === 'sha1' ? 20 : 32;
  return {
    salt: salt.toString('base64'),
    iterations: DEFAULT_SCRAM_ITERATIONS[hash],
    storedKey: randomBytes(length).toString('base64'),
    serverKey: randomBytes(length).toString('base64'),
  };
}
