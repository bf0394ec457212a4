import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { composeMessage, generateMessageId, type ComposeInput } from './compose';
import { MimeError } from './mime-error';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function input(overrides: Partial<ComposeInput> = {}): ComposeInput {
  return {
    from: { address: 'sender@example.org', name: 'Zoë Sender' },
    to: [{ address: 'rcpt@example.net', name: 'Rcpt One' }, { address: 'two@example.net' }],
    cc: [{ address: 'cc@example.net' }],
    replyTo: [{ address: 'reply@example.org' }],
    subject: 'Grüße aus Köln',
    text: 'plain\nbody\rwith odd line ends\r\n',
    html: '<p>hello <img src="cid:logo@postern"></p>',
    headers: [
      ['X-Campaign', 'spring'],
      ['List-Unsubscribe', '<https://example.org/u/1>'],
    ],
    attachments: [
      { filename: 'report.csv', contentType: 'text/csv', content: Buffer.from('a,b\n1,2\n'), disposition: 'attachment' },
      { filename: 'logo.png', contentType: 'image/png', content: png, contentId: 'logo@postern', disposition: 'inline' },
    ],
    messageId: '<m1@example.org>',
    inReplyTo: '<parent@example.org>',
    references: ['<root@example.org>', '<parent@example.org>'],
    date: new Date('2025-03-04T05:06:07Z'),
    ...overrides,
  };
}

describe('composeMessage', () => {
  it('round-trips every field, attachment and inline image through mailparser', async () => {
    const raw = await composeMessage(input());
    const parsed = await simpleParser(raw);

    assert.deepEqual(parsed.from?.value, [{ address: 'sender@example.org', name: 'Zoë Sender' }]);
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    assert.deepEqual(to[0]?.value, [
      { address: 'rcpt@example.net', name: 'Rcpt One' },
      { address: 'two@example.net', name: '' },
    ]);
    assert.equal(parsed.subject, 'Grüße aus Köln');
    assert.equal(parsed.messageId, '<m1@example.org>');
    assert.equal(parsed.inReplyTo, '<parent@example.org>');
    assert.deepEqual(parsed.references, ['<root@example.org>', '<parent@example.org>']);
    assert.equal(parsed.date?.toISOString(), '2025-03-04T05:06:07.000Z');
    assert.equal(parsed.text, 'plain\nbody\nwith odd line ends\n');
    // mailparser resolves cid: links to the inline part, so the link must have found it.
    assert.equal(parsed.html, `<p>hello <img src="data:image/png;base64,${png.toString('base64')}"></p>`);
    assert.equal(parsed.headers.get('x-campaign'), 'spring');
    assert.match(raw.toString('latin1'), /^X-Campaign: spring\r$/m);

    const csv = parsed.attachments.find((a) => a.filename === 'report.csv');
    assert.equal(csv?.contentType, 'text/csv');
    assert.equal(csv?.contentDisposition, 'attachment');
    assert.equal(csv?.content.toString(), 'a,b\n1,2\n');
    const logo = parsed.attachments.find((a) => a.filename === 'logo.png');
    assert.equal(logo?.contentDisposition, 'inline');
    assert.equal(logo?.cid, 'logo@postern');
    assert.deepEqual(logo?.content, png);
  });

  it('encodes non-ASCII subject and names as RFC 2047 words, keeping headers ASCII', async () => {
    const raw = (await composeMessage(input())).toString('latin1');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    assert.match(head, /^Subject: =\?UTF-8\?[BQ]\?/m);
    assert.match(head, /^From: =\?UTF-8\?[BQ]\?.*\?= <sender@example\.org>$/m);
    assert.doesNotMatch(head, /[^\t\r\n\x20-\x7e]/);
  });

  it('ends every line in CRLF and never writes Bcc', async () => {
    const raw = (await composeMessage(input())).toString('latin1');
    assert.doesNotMatch(raw, /[^\r]\n/);
    assert.doesNotMatch(raw, /\r(?!\n)/);
    assert.doesNotMatch(raw, /^bcc:/im);
    assert.match(raw, /^Message-ID: <m1@example\.org>\r$/m);
  });

  it('adds TLS-Required: No on request (RFC 8689 5)', async () => {
    const raw = (await composeMessage(input({ requireTlsNo: true }))).toString('latin1');
    assert.match(raw, /^TLS-Required: No\r$/m);
    const without = (await composeMessage(input())).toString('latin1');
    assert.doesNotMatch(without, /^TLS-Required:/m);
  });

  it('refuses header injection, invalid names and composer-owned headers', async () => {
    const bad: Partial<ComposeInput>[] = [
      { subject: 'hi\r\nBcc: victim@example.com' },
      { headers: [['X-Ok', 'a\nb']] },
      { headers: [['Bad Name', 'x']] },
      { headers: [['Bcc', 'hidden@example.com']] },
      { headers: [['Content-Type', 'text/plain']] },
      { from: { address: 'a@b.example', name: 'x\u0000y' } },
      { to: [{ address: 'no-domain' }] },
      { messageId: 'no-brackets@example.org' },
    ];
    for (const overrides of bad) {
      await assert.rejects(composeMessage(input(overrides)), MimeError, JSON.stringify(overrides));
    }
  });
});

describe('generateMessageId', () => {
  it('returns distinct <random@domain> ids', () => {
    const a = generateMessageId('example.org');
    assert.match(a, /^<[A-Za-z0-9_-]{24}@example\.org>$/);
    assert.notEqual(a, generateMessageId('example.org'));
    assert.throws(() => generateMessageId('bad domain'), MimeError);
  });
});
