import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScramClient } from './scram-client';

describe('ScramClient', () => {
  it('produces the RFC 7677 section 3 SCRAM-SHA-256 exchange', () => {
    const client = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    assert.equal(client.first(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = client.final('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    assert.equal(final, 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    client.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    assert.throws(() => client.verify('v=AAAA'), /does not know the password/);
  });

  it('produces the RFC 5802 section 5 SCRAM-SHA-1 exchange', () => {
    const client = new ScramClient('sha1', 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    client.first();
    const final = client.final('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    assert.equal(final, 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    client.verify('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=');
  });

  it('refuses a server nonce that does not extend the client nonce', () => {
    const client = new ScramClient('sha256', 'user', 'pencil', 'abc');
    client.first();
    assert.throws(() => client.final('r=xyz,s=QSXCR+Q6sek8bf92,i=4096'), /nonce/);
  });

  it('refuses a server-first-message with a mandatory extension or an error', () => {
    const client = new ScramClient('sha256', 'user', 'pencil', 'abc');
    client.first();
    assert.throws(() => client.final('m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096'), /extension/);
    assert.throws(() => client.final('e=other-error'), /other-error/);
  });
});
