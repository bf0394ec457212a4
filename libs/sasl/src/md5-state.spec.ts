import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { cramMd5Response, cramMd5Secret, md5BlockState, md5Continue } from './md5-state';
import { InvalidPasswordError } from './precis';

void test('md5Continue from the initial state is plain MD5 at every padding boundary', () => {
  for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
    const data = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      data[i] = (i * 31 + 7) & 0xff;
    }
    const expected = createHash('md5').update(data).digest('hex');
    assert.equal(md5Continue(undefined, data).toString('hex'), expected, `length ${length}`);
  }
});

void test('md5Continue matches the RFC 1321 appendix A.5 test suite', () => {
  const suite: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  for (const [input, digest] of suite) {
    assert.equal(md5Continue(undefined, Buffer.from(input)).toString('hex'), digest);
  }
});

void test('resuming from a one-block state equals hashing the whole message', () => {
  const block = Buffer.alloc(64, 0xa5);
  const tail = Buffer.from('the rest of the message');
  const resumed = md5Continue(md5BlockState(block), tail, 64);
  const whole = createHash('md5')
    .update(Buffer.concat([block, tail]))
    .digest();
  assert.deepEqual(resumed, whole);
});

void test('md5BlockState rejects anything but one 64-byte block', () => {
  assert.throws(() => md5BlockState(Buffer.alloc(63)), RangeError);
  assert.throws(() => md5Continue(undefined, Buffer.alloc(1), 10), RangeError);
  assert.throws(() => md5Continue(Buffer.alloc(15), Buffer.alloc(1), 64), RangeError);
});

void test('RFC 2195 section 2 example', () => {
  const secret = cramMd5Secret('tanstaaftanstaaf');
  const response = cramMd5Response(secret, '<1896.697170952@postoffice.reston.mci.net>');
  assert.equal(response, 'b913a602c7eda7a495b4e6e7334d3890');
});

void test('matches HMAC-MD5 for short, long and non-ASCII passwords', () => {
  const passwords = [
    'a',
    'pencil',
    'x'.repeat(63),
    'y'.repeat(64),
    'z'.repeat(65),
    'a much longer passphrase that is clearly well beyond sixty-four bytes in length',
    'pässwörd',
    '密码'.repeat(12), // 72 UTF-8 bytes
    'emoji \u{1f511}\u{1f511}',
  ];
  const challenges: (string | Buffer)[] = [
    '<1896.697170952@postoffice.reston.mci.net>',
    '',
    '<12345.67890@mail.example.org>'.repeat(5),
    Buffer.from([0, 1, 2, 0xff, 0x80]),
  ];
  for (const password of passwords) {
    const secret = cramMd5Secret(password);
    for (const challenge of challenges) {
      const expected = createHmac('md5', password).update(challenge).digest('hex');
      assert.equal(cramMd5Response(secret, challenge), expected, `${password} / ${String(challenge)}`);
    }
  }
});

void test('normalises the password before keying the HMAC', () => {
  const secret = cramMd5Secret('cafe\u0301\u00a0bar');
  const expected = createHmac('md5', 'caf\u00e9 bar').update('<1@x>').digest('hex');
  assert.equal(cramMd5Response(secret, '<1@x>'), expected);
  assert.deepEqual(secret, cramMd5Secret('caf\u00e9 bar'));
});

void test('stores the MD5 states after the K ^ ipad and K ^ opad blocks', () => {
  const secret = cramMd5Secret('tanstaaftanstaaf');
  const key = Buffer.alloc(64, 0);
  key.write('tanstaaftanstaaf');
  const ipad = md5BlockState(Buffer.from(key.map((byte) => byte ^ 0x36)));
  const opad = md5BlockState(Buffer.from(key.map((byte) => byte ^ 0x5c)));
  assert.equal(secret.ipad, ipad.toString('base64'));
  assert.equal(secret.opad, opad.toString('base64'));
  assert.equal(ipad.length, 16);
  // opad || ipad is Dovecot's {CRAM-MD5} context; resuming both reproduces RFC 2104 HMAC-MD5.
  const inner = createHash('md5').update(Buffer.concat([key.map((b) => b ^ 0x36), Buffer.from('m')]));
  assert.deepEqual(md5Continue(ipad, Buffer.from('m'), 64), inner.digest());
});

void test('rejects bad passwords and malformed secrets', () => {
  assert.throws(() => cramMd5Secret(''), InvalidPasswordError);
  assert.throws(() => cramMd5Secret('a\u0000'), InvalidPasswordError);
  const good = cramMd5Secret('pencil');
  assert.throws(() => cramMd5Response({ ...good, ipad: 'AAAA' }, 'c'), TypeError);
  assert.throws(() => cramMd5Response({ ...good, opad: 'not base64!' }, 'c'), TypeError);
});
