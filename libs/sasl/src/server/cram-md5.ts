/**
 * CRAM-MD5 (RFC 2195): the server sends `<random.timestamp@hostname>`, the client answers
 * `username SP hex(HMAC-MD5(password, challenge))`, checked against the stored HMAC-MD5 states.
 */

import { randomInt, timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import { cramMd5Response } from '../md5-state';
import { INVALID_CREDENTIALS, challenge, decodeUtf8, fail, safeCheck, type MechanismHandler } from './common';
import { decoyCramMd5Secret } from './decoy';
import type { SaslServerOptions, SaslStep } from './types';

const DIGEST = /^[0-9a-f]{32}$/;

export class CramMd5Mechanism implements MechanismHandler {
  private challenge: Buffer | undefined;

  constructor(private readonly options: SaslServerOptions) {}

  start(initialResponse: Buffer | undefined): Promise<SaslStep> {
    // RFC 4422 3.3: CRAM-MD5 is server-first, so an initial response is a protocol error.
    if (initialResponse !== undefined) {
      return Promise.resolve(fail('malformed', 'CRAM-MD5 does not take an initial response'));
    }
    // RFC 2195 2: a unique msg-id style string (RFC 5322 3.6.4); random digits, the time, our name.
    const random = this.options.nonce ?? String(randomInt(0, 2 ** 48 - 1));
    const host = this.options.hostname ?? hostname();
    this.challenge = Buffer.from(`<${random}.${Date.now()}@${host}>`, 'utf8');
    return Promise.resolve(challenge(this.challenge));
  }

  async step(response: Buffer): Promise<SaslStep> {
    const text = decodeUtf8(response);
    // RFC 2195 2: the user name, one space, then the digest in lowercase hex; a name may itself
    // contain spaces, so the digest is what follows the last one.
    const space = text?.lastIndexOf(' ') ?? -1;
    if (text === undefined || space <= 0 || !DIGEST.test(text.slice(space + 1)) || this.challenge === undefined) {
      return fail('malformed', 'CRAM-MD5 response must be a username, a space and 32 lowercase hex digits');
    }
    const username = text.slice(0, space);
    const digest = Buffer.from(text.slice(space + 1), 'utf8');
    const account = await this.options.lookup(username);
    const secret = account?.secrets.cramMd5 ?? decoyCramMd5Secret();
    const expected = safeCheck(() => timingSafeEqual(Buffer.from(cramMd5Response(secret, this.challenge ?? ''), 'utf8'), digest));
    return account && expected ? { success: { username, accountId: account.accountId } } : fail('invalid-credentials', INVALID_CREDENTIALS);
  }
}
