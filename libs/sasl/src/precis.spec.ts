import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidPasswordError, normalizeAddressLocalpart, normalizePassword } from './precis';

void test('leaves ordinary passwords unchanged', () => {
  assert.equal(normalizePassword('correct horse battery staple'), 'correct horse battery staple');
  assert.equal(normalizePassword('pencil'), 'pencil');
});

void test('maps every non-ASCII space (Zs) to U+0020', () => {
  const spaces = ['\u00a0', '\u1680', '\u2000', '\u2003', '\u200a', '\u202f', '\u205f', '\u3000'];
  for (const space of spaces) {
    assert.equal(normalizePassword(`a${space}b`), 'a b', `U+${(space.codePointAt(0) ?? 0).toString(16)}`);
  }
});

void test('applies NFC', () => {
  assert.equal(normalizePassword('Caf\u0065\u0301'), 'Caf\u00e9');
  assert.equal(normalizePassword('\u212b'), '\u00c5'); // ANGSTROM SIGN has a singleton mapping
});

void test('does not map case, width or compatibility forms', () => {
  assert.equal(normalizePassword('PassWord'), 'PassWord');
  assert.equal(normalizePassword('\uff34\uff45\uff53\uff54'), '\uff34\uff45\uff53\uff54');
  assert.equal(normalizePassword('\ufb01'), '\ufb01'); // the "fi" ligature survives NFC
});

void test('keeps astral characters', () => {
  assert.equal(normalizePassword('p\u{1f511}ss'), 'p\u{1f511}ss');
});

void test('rejects the empty password', () => {
  assert.throws(
    () => normalizePassword(''),
    (err: unknown) => err instanceof InvalidPasswordError && err.reason === 'empty',
  );
});

void test('accepts a password made only of spaces', () => {
  assert.equal(normalizePassword('\u3000 '), '  ');
});

void test('rejects control characters', () => {
  for (const input of ['a\u0000b', 'tab\there', 'new\nline', 'del\u007f', 'c1\u0085']) {
    assert.throws(
      () => normalizePassword(input),
      (err: unknown) =>
        err instanceof InvalidPasswordError &&
        err.reason === 'control-character' &&
        err.message === 'password contains a control character' &&
        err.name === 'InvalidPasswordError',
    );
  }
});

void test('rejects unpaired surrogates', () => {
  for (const input of ['a\ud800', '\udc00b', 'x\udbff\udbffy']) {
    assert.throws(
      () => normalizePassword(input),
      (err: unknown) => err instanceof InvalidPasswordError && err.reason === 'surrogate',
    );
  }
});

void test('error is an Error and never contains the password', () => {
  try {
    normalizePassword('s3cret\u0007');
    assert.fail('expected a throw');
  } catch (err) {
    assert.ok(err instanceof Error);
    assert.ok(!err.message.includes('s3cret'));
  }
});

void test('is idempotent', () => {
  for (const input of ['a\u00a0b', 'e\u0301', '\u2000x', 'plain']) {
    const once = normalizePassword(input);
    assert.equal(normalizePassword(once), once);
  }
});

void test('normalizeAddressLocalpart applies NFC only', () => {
  assert.equal(normalizeAddressLocalpart('jose\u0301'), 'jos\u00e9');
  assert.equal(normalizeAddressLocalpart('Jos\u00e9'), 'Jos\u00e9');
  assert.equal(normalizeAddressLocalpart('a\u00a0b'), 'a\u00a0b');
});
