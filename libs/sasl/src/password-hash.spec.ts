import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { hashPassword, unmatchableHash, verifyPassword } from './password-hash';
import { InvalidPasswordError } from './precis';

const PHC = /^\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

void test('produces a PHC string with a 16-byte salt and a 32-byte hash', async () => {
  const encoded = await hashPassword('correct horse battery staple');
  const match = PHC.exec(encoded);
  assert.ok(match, encoded);
  assert.equal(Buffer.from(match[1], 'base64').length, 16);
  assert.equal(Buffer.from(match[2], 'base64').length, 32);
});

void test('the hash is scrypt(N=2^15, r=8, p=1) of the normalised password', async () => {
  const encoded = await hashPassword('caf\u0065\u0301');
  const [, salt, hash] = PHC.exec(encoded) ?? [];
  const expected = scryptSync('caf\u00e9', Buffer.from(salt, 'base64'), 32, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  assert.equal(hash, expected.toString('base64').replace(/=+$/, ''));
});

void test('salts every hash', async () => {
  assert.notEqual(await hashPassword('same'), await hashPassword('same'));
});

void test('verifies the right password and rejects others', async () => {
  const encoded = await hashPassword('pässword\u00a0one');
  assert.equal(await verifyPassword('pässword\u00a0one', encoded), true);
  assert.equal(await verifyPassword('pässword one', encoded), true); // same after normalisation
  assert.equal(await verifyPassword('pa\u0308ssword one', encoded), true);
  assert.equal(await verifyPassword('Pässword one', encoded), false);
  assert.equal(await verifyPassword('pässword one ', encoded), false);
});

void test('rejects passwords that fail normalisation', async () => {
  await assert.rejects(hashPassword(''), InvalidPasswordError);
  await assert.rejects(hashPassword('bell\u0007'), InvalidPasswordError);
  const encoded = await hashPassword('ok');
  assert.equal(await verifyPassword('', encoded), false);
  assert.equal(await verifyPassword('ok\u0000', encoded), false);
});

void test('returns false for malformed encoded strings without throwing', async () => {
  const encoded = await hashPassword('pencil');
  const [, salt, hash] = PHC.exec(encoded) ?? [];
  const malformed = [
    '',
    'pencil',
    '$scrypt$',
    `$scrypt$ln=15,r=8$${salt}$${hash}`,
    `$scrypt$ln=15,r=8,p=1$${salt}`,
    `$scrypt$ln=15,r=8,p=1$${salt}$${hash}$`,
    `$argon2id$ln=15,r=8,p=1$${salt}$${hash}`,
    `$scrypt$ln=15,r=8,p=1$${salt}$${hash}==`,
    `$scrypt$ln=15,r=8,p=1$${salt}$${hash.slice(1)}`,
    `$scrypt$ln=15,r=8,p=1$!!!$${hash}`,
    `$scrypt$ln=15,r=8,p=1$$${hash}`,
    `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`,
    `$scrypt$ln=40,r=8,p=1$${salt}$${hash}`,
    `$scrypt$ln=15,r=0,p=1$${salt}$${hash}`,
    `$scrypt$ln=15,r=8,p=99$${salt}$${hash}`,
    `$scrypt$ln=20,r=8,p=1$${salt}$${hash}`, // 1 GiB: over the cost bound
    `$scrypt$ln=15,r=99,p=1$${salt}$${hash}`,
    `$scrypt$ln=15,r=8,p=1$QQ$${hash}`,
    ` ${encoded}`,
    `${encoded}\n`,
  ];
  for (const value of malformed) {
    assert.equal(await verifyPassword('pencil', value), false, value);
  }
  assert.equal(await verifyPassword('pencil', null as unknown as string), false);
});

void test('honours the parameters stored in the string', async () => {
  const salt = Buffer.alloc(16, 7);
  const key = scryptSync('pencil', salt, 32, { N: 2 ** 10, r: 4, p: 2 });
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  const encoded = `$scrypt$ln=10,r=4,p=2$${b64(salt)}$${b64(key)}`;
  assert.equal(await verifyPassword('pencil', encoded), true);
  assert.equal(await verifyPassword('pencil!', encoded), false);
});

void test('unmatchableHash is a default-parameter PHC string that no password verifies against', async () => {
  const encoded = unmatchableHash();
  assert.match(encoded, PHC);
  assert.notEqual(unmatchableHash(), encoded);
  assert.equal(await verifyPassword('anything', encoded), false);
});
