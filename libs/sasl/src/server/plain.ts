/**
 * PLAIN (RFC 4616): one message, `[authzid] NUL authcid NUL passwd`, sent as the initial
 * response or in answer to an empty challenge.
 */

import { INVALID_CREDENTIALS, challenge, decodeUtf8, fail, type MechanismHandler } from './common';
import { checkPassword } from './password-check';
import type { SaslServerOptions, SaslStep } from './types';

export class PlainMechanism implements MechanismHandler {
  constructor(private readonly options: SaslServerOptions) {}

  start(initialResponse: Buffer | undefined): Promise<SaslStep> {
    // RFC 4616 2: the client sends its message first; without an initial response, the server
    // sends an empty challenge.
    return initialResponse === undefined ? Promise.resolve(challenge('')) : this.step(initialResponse);
  }

  async step(response: Buffer): Promise<SaslStep> {
    const first = response.indexOf(0);
    const second = first < 0 ? -1 : response.indexOf(0, first + 1);
    if (second < 0 || response.indexOf(0, second + 1) >= 0) {
      return fail('malformed', 'PLAIN message must be authzid NUL authcid NUL password');
    }
    // RFC 4616 2: each part is UTF-8 without NUL; authcid and passwd are not empty.
    const authzid = decodeUtf8(response.subarray(0, first));
    const authcid = decodeUtf8(response.subarray(first + 1, second));
    const password = decodeUtf8(response.subarray(second + 1));
    if (authzid === undefined || !authcid || !password) {
      return fail('malformed', 'PLAIN identities and password must be non-empty UTF-8');
    }
    // RFC 4616 2: acting as another identity is an authorisation decision; Postern has no proxy
    // users, so the authzid may only be empty or name the authcid itself.
    if (authzid !== '' && authzid !== authcid) {
      return fail('invalid-credentials', 'Authorization identity must be empty or equal the authentication identity');
    }
    const identity = await checkPassword(this.options, authcid, password);
    return identity ? { success: identity } : fail('invalid-credentials', INVALID_CREDENTIALS);
  }
}
