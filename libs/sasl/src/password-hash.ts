/**
 * Slow password hash for the PLAIN (RFC 4616) and LOGIN mechanisms, where the server receives
 * the password itself: scrypt (RFC 7914) encoded as a PHC string,
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, with salt and hash in base64 without padding as the
 * PHC string format specifies. Parameters are read back from the string, so they can be raised
 * later without invalidating existing hashes.
 */

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { InvalidPasswordError, normalizePassword } from './precis';

interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

const DEFAULT_PARAMS: Readonly<ScryptParams> = { ln: 15, r: 8, p: 1 };
const SALT_LENGTH = 16;
const KEY_LENGTH = 32;

// Bounds for parameters read from a stored string, so a corrupt or hostile value cannot make
// verification allocate gigabytes or run for minutes: 128 * r * N * p (scrypt's memory for one
// lane times the lanes run one after another) may be at most 8 times the default's 32 MiB.
const MAX_COST = 2 ** 28;
const MAX_LN = 24;
const MIN_BYTES = 8;
const MAX_BYTES = 64;

const PHC_PATTERN = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function scryptAsync(password: Buffer, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // OpenSSL needs 128 * r * (N + 2) bytes for V plus 128 * r * p for B; allow twice that, since
  // Node's default maxmem (32 MiB) is exactly what N = 2^15, r = 8 needs for V alone.
  const maxmem = 2 * 128 * params.r * (N + 2 + params.p);
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) {
        reject(err);
      } else {
        resolve(key);
      }
    });
  });
}

function decodeUnpadded(value: string): Buffer | undefined {
  const bytes = Buffer.from(value, 'base64');
  const canonical = bytes.toString('base64').replace(/=+$/, '') === value;
  return canonical && bytes.length >= MIN_BYTES && bytes.length <= MAX_BYTES ? bytes : undefined;
}

function encodeUnpadded(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

function parseHash(encoded: string): ParsedHash | undefined {
  const match = PHC_PATTERN.exec(encoded);
  if (!match) {
    return undefined;
  }
  const [, ln, r, p, saltText, hashText] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  const inRange = params.ln >= 1 && params.ln <= MAX_LN && params.r >= 1 && params.p >= 1;
  if (!inRange || 128 * params.r * 2 ** params.ln * params.p > MAX_COST) {
    return undefined;
  }
  const salt = decodeUnpadded(saltText);
  const hash = decodeUnpadded(hashText);
  return salt && hash ? { params, salt, hash } : undefined;
}

/**
 * Hashes an already normalised password.
 * @internal Use `hashPassword` or `derivePasswordSecrets`.
 */
export async function hashNormalizedPassword(normalized: string): Promise<string> {
  const { ln, r, p } = DEFAULT_PARAMS;
  const salt = randomBytes(SALT_LENGTH);
  const input = Buffer.from(normalized, 'utf8');
  try {
    const hash = await scryptAsync(input, salt, KEY_LENGTH, DEFAULT_PARAMS);
    return `$scrypt$ln=${ln},r=${r},p=${p}$${encodeUnpadded(salt)}$${encodeUnpadded(hash)}`;
  } finally {
    input.fill(0);
  }
}

/**
 * A well-formed hash with the default parameters that no password matches (random salt and
 * key), so verifying against it costs what a real verification costs: used for unknown users.
 * @internal
 */
export function unmatchableHash(): string {
  const { ln, r, p } = DEFAULT_PARAMS;
  return `$scrypt$ln=${ln},r=${r},p=${p}$${encodeUnpadded(randomBytes(SALT_LENGTH))}$${encodeUnpadded(randomBytes(KEY_LENGTH))}`;
}

/**
 * Hashes `password` (after PRECIS OpaqueString normalisation) with scrypt, N = 2^15, r = 8,
 * p = 1, a random 16-byte salt and a 32-byte key.
 * @throws InvalidPasswordError (as a rejection) if the password fails normalisation.
 */
export async function hashPassword(password: string): Promise<string> {
  return hashNormalizedPassword(normalizePassword(password));
}

/**
 * Checks `password` against a string from `hashPassword`, in constant time for a given stored
 * hash. Resolves to false, rather than rejecting, when the password fails normalisation or the
 * stored string is malformed or has out-of-range parameters.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  let normalized: string;
  try {
    normalized = normalizePassword(password);
  } catch (err) {
    if (err instanceof InvalidPasswordError) {
      return false;
    }
    throw err;
  }
  const parsed = typeof encoded === 'string' ? parseHash(encoded) : undefined;
  if (!parsed) {
    return false;
  }
  const input = Buffer.from(normalized, 'utf8');
  try {
    const candidate = await scryptAsync(input, parsed.salt, parsed.hash.length, parsed.params);
    return timingSafeEqual(candidate, parsed.hash);
  } finally {
    input.fill(0);
  }
}
