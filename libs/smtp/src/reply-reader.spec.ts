import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyReader, parseEnhancedCode } from './reply-reader';

describe('ReplyReader', () => {
  it('joins multi-line replies, strips repeated enhanced codes and keeps pipelined replies in order', async () => {
    const reader = new ReplyReader();
    reader.push(Buffer.from('250-2.1.5 first\r\n250-2.1.5 second\r\n25'));
    reader.push(Buffer.from('0 2.1.5 third\r\n550 5.1.1 no such user\r\n354\r\n'));
    assert.deepEqual(await reader.next(), { code: 250, enhanced: '2.1.5', text: 'first\nsecond\nthird' });
    assert.deepEqual(await reader.next(), { code: 550, enhanced: '5.1.1', text: 'no such user' });
    assert.deepEqual(await reader.next(), { code: 354, enhanced: null, text: '' });
  });

  it('ignores an enhanced code whose class does not match the reply code (RFC 3463 3)', async () => {
    const reader = new ReplyReader();
    reader.push(Buffer.from('451 5.1.1 odd\r\n'));
    assert.deepEqual(await reader.next(), { code: 451, enhanced: null, text: '5.1.1 odd' });
  });

  it('decodes UTF-8 reply text and fails waiters on a malformed line with code PROTOCOL', async () => {
    const reader = new ReplyReader();
    reader.push(Buffer.from('250 2.0.0 réussi\r\n'));
    assert.equal((await reader.next()).text, 'réussi');
    const waiting = reader.next();
    reader.push(Buffer.from('hello there\r\n'));
    await assert.rejects(waiting, (err: Error & { code?: string }) => err.code === 'PROTOCOL');
  });

  it('parses RFC 3463 codes only at the start of the text', () => {
    assert.equal(parseEnhancedCode('4.7.1 try later'), '4.7.1');
    assert.equal(parseEnhancedCode('5.7.30'), '5.7.30');
    assert.equal(parseEnhancedCode('ok 2.0.0'), null);
    assert.equal(parseEnhancedCode('3.1.1 bad class'), null);
  });
});
