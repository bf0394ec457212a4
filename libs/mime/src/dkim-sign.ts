import { DkimSigner, type ParsedHeaders } from 'mailauth/lib/dkim/dkim-signer';
import { MimeError } from './mime-error';

export interface DkimSigningKey {
  domain: string;
  selector: string;
  algorithm: 'ed25519-sha256' | 'rsa-sha256';
  /** PKCS#8 PEM. */
  privateKey: string;
}

// RFC 6376 5.4.1: the fields a verifier or reader relies on, plus the List-* fields of
// RFC 2369/2919/8058 so a replayed message cannot gain or change an unsubscribe link.
export const DKIM_SIGNED_HEADERS: readonly string[] = [
  'From',
  'To',
  'Cc',
  'Subject',
  'Date',
  'Message-ID',
  'Reply-To',
  'In-Reply-To',
  'References',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'List-Id',
  'List-Help',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
  'List-Subscribe',
  'List-Post',
  'List-Owner',
  'List-Archive',
];

/**
 * mailauth's signer, with From oversigned: RFC 6376 8.15 lets a signer list a field once
 * more than it occurs, so that a From added in transit breaks the signature instead of
 * sitting above the signed one. mailauth builds h= from the fields present; naming the
 * topmost From twice in h= adds the extra entry, and hashes nothing for it (RFC 6376 5.4:
 * a missing instance is hashed as the null string).
 */
class OversigningDkimSigner extends DkimSigner {
  override async messageHeaders(headers: ParsedHeaders): Promise<void> {
    await super.messageHeaders(headers);
    const from = headers.parsed.find((header) => header.key === 'from');
    if (from) from.casedKey = `${from.casedKey}: From`;
  }
}

/** Prepends one relaxed/relaxed DKIM-Signature per key (RFC 6376, RFC 8463 for Ed25519). */
export async function signDkim(message: Buffer, keys: DkimSigningKey[], options: { now?: Date } = {}): Promise<Buffer> {
  if (keys.length === 0) return message;
  const signer = new OversigningDkimSigner({
    canonicalization: 'relaxed/relaxed',
    signTime: options.now ?? new Date(),
    headerList: [...DKIM_SIGNED_HEADERS],
    signatureData: keys.map((key) => ({
      signingDomain: key.domain,
      selector: key.selector,
      algorithm: key.algorithm,
      privateKey: key.privateKey,
    })),
  });
  await new Promise<void>((resolve, reject) => {
    signer.once('finish', resolve);
    signer.once('error', reject);
    signer.end(message);
  });

  if (signer.errors.length > 0) {
    const reasons = signer.errors.map((e) => `${e.selector ?? '?'}._domainkey.${e.signingDomain ?? '?'}: ${e.err.message}`);
    throw new MimeError(`DKIM signing failed: ${reasons.join('; ')}`);
  }
  const signatures = signer.signatureHeaders.map((line) => `${line}\r\n`).join('');
  return Buffer.concat([Buffer.from(signatures, 'latin1'), message]);
}
