import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import {
  InvalidPasswordError,
  cramMd5Response,
  derivePasswordSecrets,
  verifyPassword,
  verifyScramClientProof,
  type ScramHash,
  type ScramSecret,
} from './index';

function clientProof(hash: ScramHash, password: string, secret: ScramSecret, message: string) {
  const length = hash === 'sha1' ? 20 : 32;
  const salt = Buffer.from(secret.salt, 'base64');
  const salted = pbkdf2Sync(password, salt, secret.iterations, length, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const signature = createHmac(hash, storedKey).update(message).digest();
  return Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]));
}

void test('derives every secret from the normalised password', async () => {
  const secrets = await derivePasswordSecrets('Nin\u0303o\u2003secreto');
  const normalized = 'Ni\u00f1o secreto';

  assert.equal(await verifyPassword(normalized, secrets.hash), true);
  assert.equal(await verifyPassword('nino secreto', secrets.hash), false);

  const expectedCram = createHmac('md5', normalized).update('<42@example.org>').digest('hex');
  assert.equal(cramMd5Response(secrets.cramMd5, '<42@example.org>'), expectedCram);

  assert.equal(secrets.scramSha1.iterations, 4096);
  assert.equal(secrets.scramSha256.iterations, 10000);
  assert.notEqual(secrets.scramSha1.salt, secrets.scramSha256.salt);
  for (const [hash, secret] of [
    ['sha1', secrets.scramSha1],
    ['sha256', secrets.scramSha256],
  ] as const) {
    const message = `n=user,r=a,r=ab,s=${secret.salt},i=${secret.iterations},c=biws,r=ab`;
    assert.ok(verifyScramClientProof(hash, secret, message, clientProof(hash, normalized, secret, message)));
    const wrong = clientProof(hash, 'Nino secreto', secret, message);
    assert.equal(verifyScramClientProof(hash, secret, message, wrong), false);
  }
});

void test('contains no trace of the password', async () => {
  const password = 'hunter2-plaintext';
  const secrets = await derivePasswordSecrets(password);
  const serialized = JSON.stringify(secrets);
  assert.ok(!serialized.includes(password));
  assert.ok(!serialized.includes(Buffer.from(password).toString('base64')));
});

void test('rejects invalid passwords', async () => {
  await assert.rejects(derivePasswordSecrets(''), InvalidPasswordError);
  await assert.rejects(derivePasswordSecrets('line\r\nbreak'), InvalidPasswordError);
});
