/**
 * EXTERNAL (RFC 4422 appendix A): the identity comes from outside SASL, here a TLS client
 * certificate the caller resolved to an account. The client's only message is an authzid,
 * empty to act as the certificate's own identity.
 */

import { challenge, decodeUtf8, fail, type MechanismHandler } from './common';
import type { SaslServerOptions, SaslStep } from './types';

export class ExternalMechanism implements MechanismHandler {
  constructor(private readonly options: SaslServerOptions) {}

  start(initialResponse: Buffer | undefined): Promise<SaslStep> {
    // RFC 4422 A.2: without an initial response the server sends an empty challenge.
    return initialResponse === undefined ? Promise.resolve(challenge('')) : this.step(initialResponse);
  }

  step(response: Buffer): Promise<SaslStep> {
    const authzid = decodeUtf8(response);
    if (authzid === undefined) {
      return Promise.resolve(fail('malformed', 'EXTERNAL authorization identity must be UTF-8'));
    }
    const identity = this.options.externalIdentity;
    if (!identity) {
      return Promise.resolve(fail('invalid-credentials', 'No client certificate identifies an account'));
    }
    // RFC 4422 A.1: a non-empty authzid asks to act as that identity; only the certificate's own
    // is allowed (Postern has no proxy users).
    if (authzid !== '' && authzid !== identity.username) {
      return Promise.resolve(fail('invalid-credentials', 'Authorization identity does not match the client certificate'));
    }
    return Promise.resolve({ success: { ...identity } });
  }
}
