import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandReader } from './reader';

function reader(limit = 100) {
  const events: string[] = [];
  const r = new CommandReader(
    {
      onCommand: (c) => events.push(`cmd:${c.toString()}`),
      literalLimit: () => limit,
      continueLiteral: () => events.push('+'),
      refuseLiteral: (tag, size, closing) => events.push(`refuse:${tag}:${size}:${closing}`),
      lineTooLong: () => events.push('too-long'),
    },
    64,
  );
  return { r, events };
}

test('frames commands with synchronizing and non-synchronizing literals split across chunks', () => {
  const { r, events } = reader();
  for (const chunk of ['a1 NOOP\r\na2 LOGIN {3}\r', '\nj', 'oe {2+}\r\npw\r\n', 'a3 X {0}\r\n\r\n']) r.push(Buffer.from(chunk));
  assert.deepEqual(events, ['cmd:a1 NOOP', '+', 'cmd:a2 LOGIN {3}\r\njoe {2+}\r\npw', '+', 'cmd:a3 X {0}\r\n']);
});

test('refuses an oversized literal before reading it', () => {
  const { r, events } = reader(10);
  r.push(Buffer.from('a1 APPEND INBOX {11}\r\n'));
  r.push(Buffer.from('a2 NOOP\r\n'));
  assert.deepEqual(events, ['refuse:a1:11:false', 'cmd:a2 NOOP']);
  r.push(Buffer.from('a3 APPEND INBOX {11+}\r\nhello world\r\n'));
  assert.deepEqual(events.slice(2), ['refuse:a3:11:true']); // and nothing after: the connection closes
});

test('a line over the limit stops the reader', () => {
  const { r, events } = reader();
  r.push(Buffer.from('a'.repeat(70)));
  assert.deepEqual(events, ['too-long']);
});

test('a long line sent one byte at a time is framed once, without rescanning', () => {
  const events: string[] = [];
  const r = new CommandReader(
    {
      onCommand: (c) => events.push(`cmd:${c.length}`),
      literalLimit: () => 100,
      continueLiteral: () => events.push('+'),
      refuseLiteral: () => events.push('refuse'),
      lineTooLong: () => events.push('too-long'),
    },
    65536,
  );
  const line = Buffer.from(`a1 SEARCH SUBJECT "${'x'.repeat(60_000)}"\r\n`);
  const started = process.hrtime.bigint();
  for (let i = 0; i < line.length; i++) r.push(line.subarray(i, i + 1));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.deepEqual(events, [`cmd:${line.length - 2}`]);
  assert.ok(ms < 2000, `took ${ms} ms`);
});
