/**
 * SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), with channel binding for the -PLUS
 * variants (RFC 5802 6; tls-unique RFC 5929, tls-exporter RFC 9266). Two client messages:
 * client-first (answered with salt, iterations and the combined nonce) and client-final
 * (answered with the server signature `v=`).
 */

import { randomBytes } from 'node:crypto';
import { scramServerSignature, verifyScramClientProof, type ScramHash, type ScramSecret } from '../scram-secret';
import { challenge, fail, safeCheck, type MechanismHandler } from './common';
import { decoyScramSecret } from './decoy';
import { parseClientFinal, parseClientFirst, type ClientFirstMessage, type ScramError } from './scram-messages';
import type { SaslFailureReason, SaslIdentity, SaslServerOptions, SaslStep } from './types';

const REASONS: Record<ScramError, SaslFailureReason> = {
  'invalid-encoding': 'malformed',
  'extensions-not-supported': 'malformed',
  'invalid-username-encoding': 'malformed',
  'other-error': 'malformed',
  'invalid-proof': 'invalid-credentials',
  'channel-bindings-dont-match': 'channel-binding',
  'server-does-support-channel-binding': 'channel-binding',
  'channel-binding-not-supported': 'channel-binding',
  'unsupported-channel-binding-type': 'channel-binding',
};

function scramFail(error: ScramError, reason: SaslFailureReason = REASONS[error]): SaslStep {
  return fail(reason, `e=${error}`);
}

interface Exchange {
  first: ClientFirstMessage;
  serverFirst: string;
  nonce: string;
  secret: ScramSecret;
  /** Undefined for an unknown name: the exchange runs on a decoy secret and then fails. */
  identity: SaslIdentity | undefined;
}

export interface ScramMechanismOptions {
  hash: ScramHash;
  plus: boolean;
}

export class ScramMechanism implements MechanismHandler {
  private exchange: Exchange | undefined;

  constructor(
    private readonly options: SaslServerOptions,
    private readonly variant: ScramMechanismOptions,
  ) {}

  start(initialResponse: Buffer | undefined): Promise<SaslStep> {
    // RFC 4422 3.3: SCRAM is client-first; without an initial response, ask with an empty challenge.
    return initialResponse === undefined ? Promise.resolve(challenge('')) : this.step(initialResponse);
  }

  step(response: Buffer): Promise<SaslStep> {
    return this.exchange === undefined ? this.clientFirst(response) : Promise.resolve(this.clientFinal(this.exchange, response));
  }

  private async clientFirst(response: Buffer): Promise<SaslStep> {
    const parsed = parseClientFirst(response);
    if ('error' in parsed) {
      return scramFail(parsed.error);
    }
    const first = parsed.message;
    const bindingError = this.checkBindingFlag(first);
    if (bindingError) {
      return scramFail(bindingError);
    }
    // Postern has no proxy users: an authzid may only name the user itself (RFC 5802 5.1 a=).
    if (first.authzid !== undefined && first.authzid !== first.username) {
      return scramFail('other-error', 'invalid-credentials');
    }
    const account = await this.options.lookup(first.username);
    const stored = account ? (this.variant.hash === 'sha1' ? account.secrets.scramSha1 : account.secrets.scramSha256) : undefined;
    // An unknown name gets a salt derived from the name and the default iteration count, so the
    // answer looks like any account's and asking again shows the same salt.
    const secret = stored ?? decoyScramSecret(this.variant.hash, first.username, this.options.unknownUserKey);
    const nonce = first.nonce + (this.options.nonce ?? randomBytes(18).toString('base64'));
    // RFC 5802 5.1 / 7: server-first-message = nonce "," salt "," iteration-count.
    const serverFirst = `r=${nonce},s=${secret.salt},i=${secret.iterations}`;
    const identity = account && stored ? { username: first.username, accountId: account.accountId } : undefined;
    this.exchange = { first, serverFirst, nonce, secret, identity };
    return challenge(serverFirst);
  }

  /** RFC 5802 6: what the gs2-cbind-flag says about channel binding, against what we offer. */
  private checkBindingFlag(first: ClientFirstMessage): ScramError | undefined {
    const offered = this.options.channelBinding;
    const { binding } = first;
    if (this.variant.plus) {
      if (binding.flag !== 'p') {
        return 'other-error'; // a -PLUS mechanism without channel binding makes no sense
      }
      return binding.name === offered?.type ? undefined : 'unsupported-channel-binding-type';
    }
    if (binding.flag === 'p') {
      return 'channel-binding-not-supported'; // channel binding needs the -PLUS mechanism
    }
    // "y": the client could bind but believed we could not. If we offer -PLUS, its mechanism
    // list was tampered with (a downgrade), so the exchange must fail.
    return binding.flag === 'y' && offered ? 'server-does-support-channel-binding' : undefined;
  }

  private clientFinal(exchange: Exchange, response: Buffer): SaslStep {
    const parsed = parseClientFinal(response);
    if ('error' in parsed) {
      return scramFail(parsed.error);
    }
    const final = parsed.message;
    if (final.nonce !== exchange.nonce) {
      return scramFail('other-error');
    }
    // RFC 5802 7: c= is base64 of cbind-input = gs2-header [cbind-data], cbind-data only for "p".
    const bindingData = exchange.first.binding.flag === 'p' ? (this.options.channelBinding?.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const expected = Buffer.concat([Buffer.from(exchange.first.gs2Header, 'utf8'), bindingData]);
    if (!final.channelBinding.equals(expected)) {
      return scramFail('channel-bindings-dont-match');
    }
    // RFC 5802 3: AuthMessage = client-first-message-bare "," server-first-message ","
    // client-final-message-without-proof.
    const authMessage = `${exchange.first.bare},${exchange.serverFirst},${final.withoutProof}`;
    const { hash } = this.variant;
    const valid = safeCheck(() => verifyScramClientProof(hash, exchange.secret, authMessage, final.proof));
    if (!valid || !exchange.identity) {
      return scramFail('invalid-proof');
    }
    // RFC 5802 5.1 / 7: server-final-message = verifier ("v=" base64(ServerSignature)).
    let signature: Buffer;
    try {
      signature = scramServerSignature(hash, exchange.secret, authMessage);
    } catch {
      return scramFail('invalid-proof');
    }
    return { success: exchange.identity, additionalData: Buffer.from(`v=${signature.toString('base64')}`, 'utf8') };
  }
}
