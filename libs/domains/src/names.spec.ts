import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '@postern/errors';
import { parseAddress, parseDomain } from './names';

describe('parseDomain', () => {
  test('lower-cases and IDNA-encodes, keeping the Unicode form for display', () => {
    assert.deepEqual(parseDomain('Example.ORG.'), { ascii: 'example.org', unicode: 'example.org' });
    assert.deepEqual(parseDomain('Bücher.example'), { ascii: 'xn--bcher-kva.example', unicode: 'bücher.example' });
  });

  test('rejects names that are not host names', () => {
    for (const bad of ['', 'exa mple.org', '-x.org', 'a..b', 'x'.repeat(64) + '.org', 'under_score.org']) {
      assert.throws(() => parseDomain(bad), DomainError, bad);
    }
  });
});

describe('parseAddress', () => {
  test('NFC-normalises the local part and keeps its case, with a lower-cased lookup key', () => {
    const parsed = parseAddress('Jose\u0301@Example.org');
    assert.equal(parsed.localpart, 'José');
    assert.equal(parsed.localpartKey, 'josé');
    assert.equal(parsed.domain.ascii, 'example.org');
  });

  test('accepts `@domain` only as a catch-all when allowed', () => {
    assert.equal(parseAddress('@example.org', { allowCatchall: true }).localpart, '');
    assert.throws(() => parseAddress('@example.org'), /empty local part/);
  });

  test('rejects local parts that would need quoting, misplaced dots or more than 64 octets', () => {
    for (const bad of [
      'a b@x.org',
      'a"b@x.org',
      '.a@x.org',
      'a..b@x.org',
      'a.@x.org',
      'noat',
      `${'é'.repeat(33)}@x.org`,
      'a\u0001@x.org',
    ]) {
      assert.throws(() => parseAddress(bad), DomainError, bad);
    }
  });
});
