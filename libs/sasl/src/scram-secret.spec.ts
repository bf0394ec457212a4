import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { InvalidPasswordError } from './precis';
import {
  DEFAULT_SCRAM_ITERATIONS,
  deriveScramSecret,
  scramServerSignature,
  verifyScramClientProof,
  type ScramHash,
  type ScramSecret,
} from './scram-secret';

interface ScramExample {
  hash: ScramHash;
  password: string;
  clientFirstBare: string;
  serverFirst: string;
  clientFinalWithoutProof: string;
  salt: string;
  proof: string;
  serverSignature: string;
}

// RFC 5802 section 5.
const RFC5802: ScramExample = {
  hash: 'sha1',
  password: 'pencil',
  clientFirstBare: 'n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinalWithoutProof: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j',
  salt: 'QSXCR+Q6sek8bf92',
  proof: 'v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverSignature: 'rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

// RFC 7677 section 3.
const RFC7677: ScramExample = {
  hash: 'sha256',
  password: 'pencil',
  clientFirstBare: 'n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinalWithoutProof: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
  proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

// RFC 5802 section 3: AuthMessage := client-first-message-bare + "," + server-first-message +
// "," + client-final-message-without-proof.
function authMessage(example: ScramExample): string {
  return [example.clientFirstBare, example.serverFirst, example.clientFinalWithoutProof].join(',');
}

function exampleSecret(example: ScramExample): ScramSecret {
  return deriveScramSecret(example.hash, example.password, {
    salt: Buffer.from(example.salt, 'base64'),
    iterations: 4096,
  });
}

// What a client computes from the password (RFC 5802 section 3), to test round trips.
function clientProof(hash: ScramHash, password: string, secret: ScramSecret, message: string): Buffer {
  const length = hash === 'sha1' ? 20 : 32;
  const salt = Buffer.from(secret.salt, 'base64');
  const salted = pbkdf2Sync(password, salt, secret.iterations, length, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const signature = createHmac(hash, storedKey).update(message).digest();
  return Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]));
}

for (const [name, example] of [
  ['RFC 5802 section 5 (SCRAM-SHA-1)', RFC5802],
  ['RFC 7677 section 3 (SCRAM-SHA-256)', RFC7677],
] as const) {
  void test(`${name}: stored secret keeps the salt and iteration count`, () => {
    const secret = exampleSecret(example);
    assert.equal(secret.salt, example.salt);
    assert.equal(secret.iterations, 4096);
  });

  void test(`${name}: ServerKey reproduces the v= server signature`, () => {
    const signature = scramServerSignature(example.hash, exampleSecret(example), authMessage(example));
    assert.equal(signature.toString('base64'), example.serverSignature);
  });

  void test(`${name}: the example's p= client proof verifies against StoredKey`, () => {
    const proof = Buffer.from(example.proof, 'base64');
    assert.ok(verifyScramClientProof(example.hash, exampleSecret(example), authMessage(example), proof));
  });

  void test(`${name}: a tampered proof, AuthMessage or password is rejected`, () => {
    const secret = exampleSecret(example);
    const message = authMessage(example);
    const proof = Buffer.from(example.proof, 'base64');
    const verify = (s: ScramSecret, m: string, p: Buffer) => verifyScramClientProof(example.hash, s, m, p);
    const flipped = Buffer.from(proof);
    flipped[0] ^= 1;
    assert.equal(verify(secret, message, flipped), false);
    assert.equal(verify(secret, `${message}x`, proof), false);
    assert.equal(verify(secret, message, proof.subarray(1)), false);
    assert.equal(verify(secret, message, Buffer.alloc(0)), false);
    const other = deriveScramSecret(example.hash, 'pencil2', {
      salt: Buffer.from(example.salt, 'base64'),
      iterations: 4096,
    });
    assert.equal(verify(other, message, proof), false);
  });
}

void test('defaults: 16 random salt bytes, 4096 (SHA-1) and 10000 (SHA-256) iterations', () => {
  const sha1 = deriveScramSecret('sha1', 'pencil');
  const sha256 = deriveScramSecret('sha256', 'pencil');
  assert.equal(sha1.iterations, 4096);
  assert.equal(sha256.iterations, 10000);
  assert.deepEqual(DEFAULT_SCRAM_ITERATIONS, { sha1: 4096, sha256: 10000 });
  assert.equal(Buffer.from(sha1.salt, 'base64').length, 16);
  assert.equal(Buffer.from(sha256.salt, 'base64').length, 16);
  assert.equal(Buffer.from(sha1.storedKey, 'base64').length, 20);
  assert.equal(Buffer.from(sha256.serverKey, 'base64').length, 32);
  assert.notEqual(sha1.salt, deriveScramSecret('sha1', 'pencil').salt);
});

void test('round trip with a client computing from the normalised password', () => {
  for (const hash of ['sha1', 'sha256'] as const) {
    const secret = deriveScramSecret(hash, 'ple\u0301\u00a0pass');
    const message = 'n=user,r=abc,r=abcdef,s=' + secret.salt + ',i=4096,c=biws,r=abcdef';
    const proof = clientProof(hash, 'pl\u00e9 pass', secret, message);
    assert.ok(verifyScramClientProof(hash, secret, message, proof));
  }
});

void test('rejects bad passwords, salts, iteration counts and hashes', () => {
  assert.throws(() => deriveScramSecret('sha256', ''), InvalidPasswordError);
  assert.throws(() => deriveScramSecret('sha256', 'a\nb'), InvalidPasswordError);
  assert.throws(() => deriveScramSecret('sha256', 'p', { salt: Buffer.alloc(0) }), RangeError);
  assert.throws(() => deriveScramSecret('sha256', 'p', { iterations: 4095 }), RangeError);
  assert.throws(() => deriveScramSecret('sha256', 'p', { iterations: 4096.5 }), RangeError);
  assert.throws(() => deriveScramSecret('md5' as ScramHash, 'p'), TypeError);
});

void test('malformed stored keys throw instead of verifying', () => {
  const secret = exampleSecret(RFC5802);
  const proof = Buffer.from(RFC5802.proof, 'base64');
  assert.throws(() => verifyScramClientProof('sha256', secret, authMessage(RFC5802), proof), TypeError);
  assert.throws(() => scramServerSignature('sha1', { ...secret, serverKey: 'AAAA' }, 'm'), TypeError);
});
