import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { normalizePassword } from './precis';
import type { ScramHash } from './scram-secret';

/** RFC 5802 5.1: `=` and `,` in a username are escaped as `=3D` and `=2C`. */
function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) map.set(part[0], part.slice(2));
  }
  return map;
}

export interface ScramClientOptions {
  /** Fixed client nonce: tests only. */
  nonce?: string;
  /**
   * Binds the exchange to the TLS channel, for SCRAM-*-PLUS (RFC 5802 6): gs2 header
   * `p=<type>,,` and `c=` over the header and `data`.
   */
  channelBinding?: { type: string; data: Buffer };
}

/**
 * The client side of SCRAM (RFC 5802 3, 5; RFC 7677 for SHA-256), without channel binding
 * (gs2 header `n,,`) unless `channelBinding` is given. Call `first()`, then
 * `final(serverFirst)`, then `verify(serverFinal)`.
 */
export class ScramClient {
  private readonly nonce: string;
  private readonly gs2Header: string;
  private readonly bindingData: Buffer;
  private clientFirstBare = '';
  private serverSignature: Buffer | null = null;

  constructor(
    private readonly hash: ScramHash,
    private readonly username: string,
    private readonly password: string,
    nonceOrOptions?: string | ScramClientOptions,
  ) {
    const opts = typeof nonceOrOptions === 'string' ? { nonce: nonceOrOptions } : (nonceOrOptions ?? {});
    this.nonce = opts.nonce ?? randomBytes(18).toString('base64');
    this.gs2Header = opts.channelBinding ? `p=${opts.channelBinding.type},,` : 'n,,';
    this.bindingData = opts.channelBinding?.data ?? Buffer.alloc(0);
  }

  first(): string {
    this.clientFirstBare = `n=${saslName(this.username)},r=${this.nonce}`;
    return `${this.gs2Header}${this.clientFirstBare}`;
  }

  final(serverFirst: string): string {
    const attrs = attributes(serverFirst);
    if (attrs.has('e')) throw new Error(`SCRAM server error: ${attrs.get('e')}`);
    // RFC 5802 5.1: a mandatory extension ("m=") the client does not know must end the exchange.
    if (serverFirst.startsWith('m=')) throw new Error('SCRAM server requires an unsupported extension');
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!nonce?.startsWith(this.nonce) || nonce === this.nonce) throw new Error('SCRAM server nonce does not extend ours');
    if (!salt || !Number.isInteger(iterations) || iterations < 1)
      throw new Error('SCRAM server-first-message lacks salt or iteration count');
    const length = this.hash === 'sha1' ? 20 : 32;
    const salted = pbkdf2Sync(normalizePassword(this.password), Buffer.from(salt, 'base64'), iterations, length, this.hash);
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    // RFC 5802 7: c= carries cbind-input = gs2-header [cbind-data].
    const cbindInput = Buffer.concat([Buffer.from(this.gs2Header), this.bindingData]);
    const withoutProof = `c=${cbindInput.toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
    const serverKey = createHmac(this.hash, salted).update('Server Key').digest();
    this.serverSignature = createHmac(this.hash, serverKey).update(authMessage).digest();
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** RFC 5802 3: the client must check the server's signature, proving the server knows the secret. */
  verify(serverFinal: string): void {
    const attrs = attributes(serverFinal);
    if (attrs.has('e')) throw new Error(`SCRAM server error: ${attrs.get('e')}`);
    const v = Buffer.from(attrs.get('v') ?? '', 'base64');
    if (!this.serverSignature || v.length !== this.serverSignature.length || !timingSafeEqual(v, this.serverSignature)) {
      throw new Error('SCRAM server signature does not match: the server does not know the password');
    }
  }
}
