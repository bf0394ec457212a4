import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readHeaders } from './read-headers';
import { MimeError } from './mime-error';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

describe('readHeaders', () => {
  it('reads From, Message-ID and a decoded Subject, and where the body starts', () => {
    const head = [
      'Received: from x',
      '\tby y',
      'From: =?UTF-8?B?Wm/Dqw==?= <zoe@example.org>',
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
      '  =?UTF-8?Q?_aus_K=C3=B6ln?=',
      'Message-ID:  <abc@example.org> ',
      '',
      '',
    ].join('\r\n');
    const message = Buffer.concat([Buffer.from(head), Buffer.from('body\r\n')]);
    assert.deepEqual(readHeaders(message), {
      from: [{ address: 'zoe@example.org', name: 'Zoë' }],
      messageId: '<abc@example.org>',
      subject: 'Grüße aus Köln',
      headerBytes: Buffer.byteLength(head),
    });
  });

  it('accepts a message without body, Subject or Message-ID', () => {
    const message = crlf(['From: a@example.org', '']);
    assert.deepEqual(readHeaders(message), {
      from: [{ address: 'a@example.org' }],
      messageId: null,
      subject: null,
      headerBytes: message.length,
    });
  });

  const malformed: [string, Buffer, RegExp][] = [
    ['LF line ends', Buffer.from('From: a@example.org\nSubject: x\n\nbody\n'), /CRLF/],
    ['no From', crlf(['Subject: x', '', 'body']), /one From header, found 0/],
    ['two From', crlf(['From: a@example.org', 'From: b@example.org', '', '']), /found 2/],
    ['From without address', crlf(['From: nobody', '', '']), /valid address/],
    ['line without colon', crlf(['From: a@example.org', 'garbage line', '', '']), /line 2 is not a "Name: value"/],
    ['continuation first', crlf([' folded', 'From: a@example.org', '', '']), /continuation/],
    ['bad Message-ID', crlf(['From: a@example.org', 'Message-ID: abc', '', '']), /Message-ID/],
    ['empty header section', crlf(['', 'body']), /no header fields/],
    ['NUL in a header', crlf(['From: a@example.org', 'X: a\u0000b', '', '']), /NUL/],
  ];
  for (const [what, message, reason] of malformed) {
    it(`throws a MimeError on ${what}`, () => {
      assert.throws(
        () => readHeaders(message),
        (err: unknown) => err instanceof MimeError && reason.test(err.message),
      );
    });
  }
});
