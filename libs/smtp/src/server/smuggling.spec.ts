import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { findSmuggling } from './smuggling';

const wrap = (end: string) => Buffer.from(`Subject: x\r\n\r\nhello${end}MAIL FROM:<admin@example.org>\r\n`, 'latin1');

describe('findSmuggling', () => {
  it('accepts a message with CRLF line ends only', () => {
    assert.equal(findSmuggling(Buffer.from('Subject: x\r\n\r\nhello\r\n.x\r\n')), null);
  });

  for (const [name, end] of [
    ['<LF>.<LF>', '\n.\n'],
    ['<CRLF>.<LF>', '\r\n.\n'],
    ['<LF>.<CRLF>', '\n.\r\n'],
  ] as const) {
    it(`finds ${name}`, () => assert.equal(findSmuggling(wrap(end)), name));
  }

  it('finds <CR>.<CR> as a bare CR', () => assert.equal(findSmuggling(wrap('\r.\r')), 'a bare CR'));
  it('finds a bare CR anywhere', () => assert.equal(findSmuggling(Buffer.from('a\rb\r\n')), 'a bare CR'));
});

describe('findSmuggling on a large message', () => {
  it('scans 20 MB of CRLF lines quickly', () => {
    const big = Buffer.from(`${'a'.repeat(76)}\r\n`.repeat(260_000));
    const started = Date.now();
    assert.equal(findSmuggling(big), null);
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  });
});
