import { verifyPassword } from '../password-hash';
import { decoyPasswordHash } from './decoy';
import type { SaslIdentity, SaslServerOptions } from './types';

/**
 * Checks a cleartext password (PLAIN, LOGIN) against the account's scrypt hash. An unknown name
 * is checked against a decoy hash with the same parameters, so it takes as long as a wrong password.
 */
export async function checkPassword(options: SaslServerOptions, username: string, password: string): Promise<SaslIdentity | null> {
  const account = await options.lookup(username);
  const encoded = account?.secrets.hash ?? decoyPasswordHash();
  const valid = await verifyPassword(password, encoded);
  return account && valid ? { username, accountId: account.accountId } : null;
}
