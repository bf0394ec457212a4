import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { DkimAlgorithm } from '@postern/db';

const generate = promisify(generateKeyPair);

export interface GeneratedDkimKey {
  selector: string;
  algorithm: DkimAlgorithm;
  privateKey: string;
  publicKey: string;
}

/**
 * The DNS `p=` value for a private key: the base64 SubjectPublicKeyInfo for RSA
 * (RFC 6376 section 3.6.1), the raw 32-byte public key for Ed25519 (RFC 8463 section 4).
 */
export function dkimPublicKeyValue(privateKeyPem: string): string {
  const publicKey = createPublicKey(createPrivateKey(privateKeyPem));
  const der = publicKey.export({ type: 'spki', format: 'der' });
  if (publicKey.asymmetricKeyType === 'ed25519') {
    // The SPKI of an Ed25519 key is a fixed 12-byte header followed by the key.
    return der.subarray(der.length - 32).toString('base64');
  }
  return der.toString('base64');
}

function selectorStamp(now: Date): string {
  return now.toISOString().slice(0, 10).replace(/-/g, '');
}

/** A fresh Ed25519 key and RSA-2048 key, with date-stamped selectors (`20261122e`, `20261122r`). */
export async function generateDkimKeys(now: Date = new Date()): Promise<GeneratedDkimKey[]> {
  const stamp = selectorStamp(now);
  const [ed, rsa] = await Promise.all([
    generate('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }),
    generate('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }),
  ]);
  return [
    { selector: `${stamp}e`, algorithm: 'ed25519-sha256', privateKey: ed.privateKey, publicKey: dkimPublicKeyValue(ed.privateKey) },
    { selector: `${stamp}r`, algorithm: 'rsa-sha256', privateKey: rsa.privateKey, publicKey: dkimPublicKeyValue(rsa.privateKey) },
  ];
}
