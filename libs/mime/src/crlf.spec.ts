import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCrlf } from './crlf';

describe('normalizeCrlf', () => {
  it('turns bare LF and bare CR into CRLF', () => {
    assert.equal(normalizeCrlf(Buffer.from('a\nb\rc\r\nd\n\re\r')).toString(), 'a\r\nb\r\nc\r\nd\r\n\r\ne\r\n');
  });

  it('returns the same buffer when the input is already CRLF', () => {
    const input = Buffer.from('a\r\nb\r\n\r\nbody\r\n');
    assert.equal(normalizeCrlf(input), input);
  });
});
