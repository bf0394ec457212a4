/**
 * CRAM-MD5 secrets stored as HMAC-MD5 intermediate states instead of the password.
 *
 * HMAC-MD5(K, m) = MD5((K ^ opad) || MD5((K ^ ipad) || m)) (RFC 2104 section 2). K ^ ipad and
 * K ^ opad are each exactly one 64-byte MD5 block, so the MD5 chaining state after each of those
 * blocks can be computed once and stored; RFC 2104 section 4 describes this precomputation.
 * Answering a CRAM-MD5 challenge (RFC 2195 section 2) then only needs those two states. Dovecot's
 * CRAM-MD5 password scheme stores the same two states (`hmac_md5_get_cram_context`: the opad
 * state then the ipad state, each as four little-endian 32-bit words), so `opad || ipad` here is
 * byte-for-byte Dovecot's 32-byte context.
 *
 * Node's crypto cannot resume an MD5 computation from a given state, hence the small MD5
 * compression function below (RFC 1321 section 3.4). Because MD5 is implemented here, this also
 * works when OpenSSL refuses MD5 (FIPS mode).
 */

import { normalizePassword } from './precis';

/** The two 16-byte MD5 chaining states, base64-encoded. */
export interface CramMd5Secret {
  ipad: string;
  opad: string;
}

const BLOCK_LENGTH = 64;
const STATE_LENGTH = 16;

// RFC 1321 section 3.3: initial chaining words A, B, C, D.
const INITIAL_STATE: readonly number[] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

// RFC 1321 section 3.4: T[i] = floor(4294967296 * abs(sin(i))), i = 1..64.
// prettier-ignore
const T = Uint32Array.of(
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
);

// RFC 1321 section 3.4: per-round rotation amounts.
const SHIFTS = Uint8Array.of(7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21);

/** Processes one 64-byte block at `offset` into `state` (RFC 1321 section 3.4). */
function compress(state: Uint32Array, data: Buffer, offset: number): void {
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    let f: number;
    let g: number;
    if (round === 0) {
      f = (b & c) | (~b & d); // F(X,Y,Z)
      g = i;
    } else if (round === 1) {
      f = (b & d) | (c & ~d); // G(X,Y,Z)
      g = (5 * i + 1) & 15;
    } else if (round === 2) {
      f = b ^ c ^ d; // H(X,Y,Z)
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d); // I(X,Y,Z)
      g = (7 * i) & 15;
    }
    const sum = (a + f + T[i] + data.readUInt32LE(offset + 4 * g)) | 0;
    const s = SHIFTS[round * 4 + (i & 3)];
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
  }
  // Uint32Array stores each sum modulo 2^32.
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

function stateFromBytes(bytes: Buffer): Uint32Array {
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    state[i] = bytes.readUInt32LE(4 * i);
  }
  return state;
}

// RFC 1321 section 3.5: the digest (and the stored state) is A, B, C, D, low-order byte first.
function stateToBytes(state: Uint32Array): Buffer {
  const bytes = Buffer.alloc(STATE_LENGTH);
  for (let i = 0; i < 4; i++) {
    bytes.writeUInt32LE(state[i], 4 * i);
  }
  return bytes;
}

/** The MD5 chaining state after processing exactly one 64-byte block from the initial state. */
export function md5BlockState(block: Buffer): Buffer {
  if (block.length !== BLOCK_LENGTH) {
    throw new RangeError(`MD5 block must be ${BLOCK_LENGTH} bytes, got ${block.length}`);
  }
  const state = Uint32Array.from(INITIAL_STATE);
  compress(state, block, 0);
  return stateToBytes(state);
}

/**
 * Finishes an MD5 computation: resumes from `state` (or the initial state when undefined), which
 * has already absorbed `prefixLength` bytes (a multiple of 64), appends `data`, pads and returns
 * the 16-byte digest. Padding is 0x80, zeros up to 56 mod 64, then the total message length in
 * bits as a 64-bit little-endian integer (RFC 1321 sections 3.1 and 3.2).
 */
export function md5Continue(state: Buffer | undefined, data: Buffer, prefixLength = 0): Buffer {
  if (prefixLength % BLOCK_LENGTH !== 0 || prefixLength < 0) {
    throw new RangeError('MD5 prefix length must be a non-negative multiple of 64');
  }
  if (state !== undefined && state.length !== STATE_LENGTH) {
    throw new RangeError(`MD5 state must be ${STATE_LENGTH} bytes, got ${state.length}`);
  }
  const words = state === undefined ? Uint32Array.from(INITIAL_STATE) : stateFromBytes(state);
  const paddedLength = (Math.floor((data.length + 8) / BLOCK_LENGTH) + 1) * BLOCK_LENGTH;
  const message = Buffer.alloc(paddedLength);
  data.copy(message);
  message[data.length] = 0x80;
  message.writeBigUInt64LE(BigInt(prefixLength + data.length) * 8n, paddedLength - 8);
  for (let offset = 0; offset < paddedLength; offset += BLOCK_LENGTH) {
    compress(words, message, offset);
  }
  message.fill(0);
  return stateToBytes(words);
}

function decodeState(value: string, field: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== STATE_LENGTH || bytes.toString('base64') !== value) {
    throw new TypeError(`malformed CRAM-MD5 secret: ${field} must be 16 bytes in base64`);
  }
  return bytes;
}

/**
 * Computes the CRAM-MD5 secret from an already normalised password.
 * @internal Use `cramMd5Secret` or `derivePasswordSecrets`.
 */
export function cramMd5SecretFromNormalized(normalized: string): CramMd5Secret {
  // RFC 2104 section 2: keys longer than the block size are first hashed; shorter keys are
  // zero-padded to the block size.
  let key: Buffer = Buffer.from(normalized, 'utf8');
  if (key.length > BLOCK_LENGTH) {
    key = md5Continue(undefined, key);
  }
  const inner = Buffer.alloc(BLOCK_LENGTH, 0x36);
  const outer = Buffer.alloc(BLOCK_LENGTH, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i] ^= key[i];
    outer[i] ^= key[i];
  }
  const secret = {
    ipad: md5BlockState(inner).toString('base64'),
    opad: md5BlockState(outer).toString('base64'),
  };
  key.fill(0);
  inner.fill(0);
  outer.fill(0);
  return secret;
}

/** Derives the stored CRAM-MD5 secret for `password` after PRECIS OpaqueString normalisation. */
export function cramMd5Secret(password: string): CramMd5Secret {
  return cramMd5SecretFromNormalized(normalizePassword(password));
}

/**
 * Answers a CRAM-MD5 challenge from the stored secret: the lowercase hex HMAC-MD5 digest the
 * client must send after its username (RFC 2195 section 2). A string challenge is UTF-8 encoded.
 * @throws TypeError if the stored secret is malformed.
 */
export function cramMd5Response(secret: CramMd5Secret, challenge: string | Buffer): string {
  const ipad = decodeState(secret.ipad, 'ipad');
  const opad = decodeState(secret.opad, 'opad');
  const message = typeof challenge === 'string' ? Buffer.from(challenge, 'utf8') : challenge;
  const inner = md5Continue(ipad, message, BLOCK_LENGTH);
  return md5Continue(opad, inner, BLOCK_LENGTH).toString('hex');
}
