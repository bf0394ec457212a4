import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDnsRecords, quoteTxt } from './dns-records';
import { dkimPublicKeyValue, generateDkimKeys } from './dkim-keys';

test('TXT values longer than 255 octets are split into several strings', () => {
  const long = 'x'.repeat(600);
  assert.equal(quoteTxt(long), `"${'x'.repeat(255)}" "${'x'.repeat(255)}" "${'x'.repeat(90)}"`);
});

test('generated DKIM keys are Ed25519 and RSA-2048 with the public key as DNS wants it', async () => {
  const keys = await generateDkimKeys(new Date('2026-11-22T00:00:00Z'));
  assert.deepEqual(
    keys.map((k) => [k.selector, k.algorithm]),
    [
      ['20261122e', 'ed25519-sha256'],
      ['20261122r', 'rsa-sha256'],
    ],
  );
  assert.equal(Buffer.from(keys[0].publicKey, 'base64').length, 32, 'RFC 8463: raw 32-byte key');
  // A 2048-bit RSA SubjectPublicKeyInfo is 294 octets.
  assert.equal(Buffer.from(keys[1].publicKey, 'base64').length, 294);
  assert.equal(dkimPublicKeyValue(keys[1].privateKey), keys[1].publicKey);
});

test('the record set covers MX, SPF, DKIM, DMARC, MTA-STS and TLSRPT, also as a zone', () => {
  const set = buildDnsRecords({
    domain: 'example.org',
    hostname: 'mail.example.org',
    dkimKeys: [
      { selector: 's1', algorithm: 'ed25519-sha256', publicKey: 'AAAA', active: true },
      { selector: 'old', algorithm: 'rsa-sha256', publicKey: 'BBBB', active: false },
    ],
    policyId: '20261122000000',
  });
  const zone = set.zone.split('\n');
  for (const line of [
    'example.org. 3600 IN MX 10 mail.example.org.',
    'example.org. 3600 IN TXT "v=spf1 mx a:mail.example.org -all"',
    's1._domainkey.example.org. 3600 IN TXT "v=DKIM1; k=ed25519; h=sha256; p=AAAA"',
    '_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.org"',
    '_mta-sts.example.org. 3600 IN TXT "v=STSv1; id=20261122000000"',
    '_smtp._tls.example.org. 3600 IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@example.org"',
  ]) {
    assert.ok(zone.includes(line), `zone has: ${line}`);
  }
  assert.ok(!set.zone.includes('old._domainkey'), 'inactive keys are not published');
  assert.equal(set.records.length, zone.filter(Boolean).length);
  assert.match(set.mtaStsPolicy, /^version: STSv1\r\nmode: enforce\r\nmx: mail\.example\.org\r\nmax_age: \d+\r\n$/);
});
