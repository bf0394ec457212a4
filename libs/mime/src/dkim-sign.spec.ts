import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { composeMessage } from './compose';
import { signDkim, type DkimSigningKey } from './dkim-sign';
import { MimeError } from './mime-error';

// RFC 6376 3.6.1; RFC 8463 4.2: an Ed25519 p= is the raw 32-byte key, the tail of the SPKI DER.
function txtRecord(publicKey: KeyObject, kind: 'rsa' | 'ed25519'): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const p = kind === 'ed25519' ? spki.subarray(-32) : spki;
  return `v=DKIM1; k=${kind}; p=${p.toString('base64')}`;
}

function generateKeys(): { keys: DkimSigningKey[]; txt: Map<string, string> } {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    keys: [
      { domain: 'example.org', selector: 'ed1', algorithm: 'ed25519-sha256', privateKey: pem(ed.privateKey) },
      { domain: 'example.org', selector: 'rsa1', algorithm: 'rsa-sha256', privateKey: pem(rsa.privateKey) },
    ],
    txt: new Map([
      ['ed1._domainkey.example.org', txtRecord(ed.publicKey, 'ed25519')],
      ['rsa1._domainkey.example.org', txtRecord(rsa.publicKey, 'rsa')],
    ]),
  };
}

async function verify(message: Buffer, txt: Map<string, string>) {
  const resolver = (name: string, type: string): Promise<string[][]> => {
    const record = txt.get(name);
    if (type !== 'TXT' || !record) return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve([[record]]);
  };
  // strict: RFC 6376 6.1.3 makes a body hash mismatch a PERMFAIL, reported as 'fail'.
  const result = await dkimVerify(message, { resolver, strict: true });
  return result.results.map((r) => ({ selector: r.selector, result: r.status?.result }));
}

describe('signDkim', () => {
  let keys: DkimSigningKey[];
  let txt: Map<string, string>;
  let message: Buffer;
  before(async () => {
    ({ keys, txt } = generateKeys());
    message = await composeMessage({
      from: { address: 'sender@example.org', name: 'Sender' },
      to: [{ address: 'rcpt@example.net' }],
      subject: 'Signed',
      text: 'hello\n',
      headers: [['List-Unsubscribe', '<https://example.org/u>']],
      messageId: '<signed@example.org>',
    });
  });

  it('prepends one relaxed signature per key that mailauth verifies', async () => {
    const signed = await signDkim(message, keys, { now: new Date() });
    assert.deepEqual(signed.subarray(signed.length - message.length), message);
    const head = signed.toString('latin1', 0, signed.length - message.length);
    assert.equal(head.match(/^DKIM-Signature:/gm)?.length, 2);
    assert.match(head, /a=ed25519-sha256;/);
    assert.match(head, /a=rsa-sha256;/);
    assert.match(head, /c=relaxed\/relaxed;/);
    assert.deepEqual(await verify(signed, txt), [
      { selector: 'ed1', result: 'pass' },
      { selector: 'rsa1', result: 'pass' },
    ]);
  });

  it('signs the listed fields and oversigns From', async () => {
    const signed = (await signDkim(message, keys.slice(1))).toString('latin1');
    const h = /h=([^;]+);/
      .exec(signed.replace(/\r\n[ \t]+/g, ' '))?.[1]
      .replace(/\s+/g, '')
      .toLowerCase()
      .split(':');
    assert.ok(h);
    assert.equal(h.filter((name) => name === 'from').length, 2);
    for (const name of ['to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'list-unsubscribe']) {
      assert.ok(h.includes(name), `${name} signed`);
    }
  });

  it('fails verification when the body or a signed header changes, or a From is added', async () => {
    const signed = (await signDkim(message, keys)).toString('latin1');
    const tamperedBody = Buffer.from(signed.replace('hello', 'HELLO'), 'latin1');
    assert.deepEqual(
      (await verify(tamperedBody, txt)).map((r) => r.result),
      ['fail', 'fail'],
    );
    const tamperedSubject = Buffer.from(signed.replace('Subject: Signed', 'Subject: Signed!'), 'latin1');
    assert.deepEqual(
      (await verify(tamperedSubject, txt)).map((r) => r.result),
      ['fail', 'fail'],
    );
    const extraFrom = Buffer.from(signed.replace(/^From:/m, 'From: evil@example.com\r\nFrom:'), 'latin1');
    assert.ok((await verify(extraFrom, txt)).every((r) => r.result !== 'pass'));
  });

  it('throws a MimeError when a key is unusable', async () => {
    await assert.rejects(signDkim(message, [{ ...keys[0], privateKey: 'not a key' }]), MimeError);
    await assert.rejects(signDkim(message, [{ ...keys[0], algorithm: 'rsa-sha256' }]), /ed25519/);
  });
});
