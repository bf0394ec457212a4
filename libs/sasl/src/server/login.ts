/**
 * LOGIN (draft-murchison-sasl-login-00): the server asks `Username:` then `Password:`, and the
 * client answers each. A client may send the username as an initial response.
 */

import { INVALID_CREDENTIALS, challenge, decodeUtf8, fail, type MechanismHandler } from './common';
import { checkPassword } from './password-check';
import type { SaslServerOptions, SaslStep } from './types';

export class LoginMechanism implements MechanismHandler {
  private username: string | undefined;

  constructor(private readonly options: SaslServerOptions) {}

  start(initialResponse: Buffer | undefined): Promise<SaslStep> {
    return Promise.resolve(initialResponse === undefined ? challenge('Username:') : this.acceptUsername(initialResponse));
  }

  async step(response: Buffer): Promise<SaslStep> {
    if (this.username === undefined) {
      return this.acceptUsername(response);
    }
    const password = decodeUtf8(response);
    if (!password) {
      return fail('malformed', 'LOGIN password must be non-empty UTF-8');
    }
    const identity = await checkPassword(this.options, this.username, password);
    return identity ? { success: identity } : fail('invalid-credentials', INVALID_CREDENTIALS);
  }

  private acceptUsername(response: Buffer): SaslStep {
    const username = decodeUtf8(response);
    if (!username) {
      return fail('malformed', 'LOGIN username must be non-empty UTF-8');
    }
    this.username = username;
    return challenge('Password:');
  }
}
