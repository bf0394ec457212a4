import { domainToASCII, domainToUnicode } from 'node:url';
import { DomainError, ErrorCode } from '@postern/errors';

export interface DomainName {
  /** Lower-case ASCII with IDNA A-labels: the DNS and SMTP form. */
  ascii: string;
  /** U-labels, for display. */
  unicode: string;
}

/** Parses a domain name, IDNA-mapping Unicode names (RFC 5891) and lower-casing. */
export function parseDomain(input: string): DomainName {
  const trimmed = input.trim().replace(/\.$/, '');
  const ascii = domainToASCII(trimmed.normalize('NFC')).toLowerCase();
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (!ascii || ascii.length > 253 || !ascii.split('.').every((l) => label.test(l))) {
    throw new DomainError(ErrorCode.InvalidDomain, `'${input}' is not a valid domain name`);
  }
  return { ascii, unicode: domainToUnicode(ascii) };
}

export interface ParsedAddress {
  /** NFC-normalised local part; empty for a catch-all (`@domain`). */
  localpart: string;
  /** Lower-cased local part for case-insensitive lookup. */
  localpartKey: string;
  domain: DomainName;
}

/**
 * Parses `local@domain`, or `@domain` when `allowCatchall`. Local parts are NFC-normalised
 * (RFC 6531 section 3.3 allows UTF-8) and limited to 64 octets (RFC 5321 section 4.5.3.1.1).
 */
export function parseAddress(input: string, options: { allowCatchall?: boolean } = {}): ParsedAddress {
  const at = input.lastIndexOf('@');
  const bad = (why: string) => new DomainError(ErrorCode.InvalidAddress, `'${input}' is not a valid address: ${why}`);
  if (at < 0) throw bad('missing @');
  const localpart = input.slice(0, at).normalize('NFC');
  let domain: DomainName;
  try {
    domain = parseDomain(input.slice(at + 1));
  } catch {
    throw bad('invalid domain');
  }
  if (localpart === '') {
    if (!options.allowCatchall) throw bad('empty local part');
  } else {
    if (Buffer.byteLength(localpart) > 64) throw bad('local part longer than 64 octets');
    // Dot-atom (RFC 5322 section 3.4.1) with UTF-8 allowed; no quoted local parts.
    if (/[\s"(),:;<>@[\\\]\p{Cc}]/u.test(localpart)) throw bad('local part has a character that needs quoting');
    if (localpart.startsWith('.') || localpart.endsWith('.') || localpart.includes('..')) {
      throw bad('local part has a misplaced dot');
    }
  }
  return { localpart, localpartKey: localpart.toLowerCase(), domain };
}

export function formatAddress(localpart: string, domain: string): string {
  return `${localpart}@${domain}`;
}
