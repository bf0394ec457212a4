import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeMessage } from './compose';
import { findPart, leafParts, mimeTree, parseStructuredHeader, partContent } from './mime-parts';
import { parseReceivedMessage } from './parse-received';

const crlf = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'));

test('parts are numbered like IMAP body sections (RFC 9051 6.4.5), nested multiparts included', async () => {
  const raw = await composeMessage({
    from: { address: 'a@x.test' },
    to: [{ address: 'b@y.test' }],
    subject: 'parts',
    text: 'plain body\n',
    html: '<p>html body</p>',
    attachments: [
      { filename: 'report.pdf', content: Buffer.from('%PDF-1.4 fake'), contentType: 'application/pdf', disposition: 'attachment' },
    ],
    messageId: '<parts@x.test>',
  });
  const tree = mimeTree(raw);
  assert.equal(tree.contentType, 'multipart/mixed');
  const leaves = leafParts(tree).map((p) => [p.path, p.contentType, p.filename]);
  assert.deepEqual(leaves, [
    ['1.1', 'text/plain', null],
    ['1.2', 'text/html', null],
    ['2', 'application/pdf', 'report.pdf'],
  ]);
  assert.equal(partContent(raw, findPart(tree, '2')!).toString(), '%PDF-1.4 fake');
  assert.equal(partContent(raw, findPart(tree, '1.1')!).toString(), 'plain body\r\n');
});

test('a single-part message is section 1; quoted-printable is decoded', () => {
  const raw = crlf('Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=\nße\n');
  const tree = mimeTree(raw);
  assert.equal(tree.path, '1');
  assert.equal(partContent(raw, tree).toString('utf8'), 'Grüße\r\n');
});

test('RFC 2231 continued and encoded parameters are joined and decoded', () => {
  const h = parseStructuredHeader(`attachment; filename*0*=utf-8''Gr%C3%BC; filename*1*=%C3%9Fe.txt`);
  assert.equal(h.value, 'attachment');
  assert.equal(h.params.filename, 'Grüße.txt');
  assert.equal(parseStructuredHeader('text/plain; charset="us-ascii"; format=flowed').params.charset, 'us-ascii');
});

test('a received message: addresses, text, HTML cut at the limit, attachments, automated by List-Id', async () => {
  const raw = await composeMessage({
    from: { address: 'news@x.test', name: 'News' },
    to: [{ address: 'b@y.test' }],
    subject: 'Weekly',
    text: 'hello\n',
    html: `<p>${'é'.repeat(100)}</p>`,
    headers: [['List-Id', '<weekly.x.test>']],
    attachments: [{ filename: 'a.txt', content: Buffer.from('attached\n'), disposition: 'attachment' }],
    messageId: '<weekly@x.test>',
  });
  const parsed = await parseReceivedMessage(raw, { mailFrom: 'bounces@x.test', htmlLimit: 51 });
  assert.deepEqual(parsed.from, [{ name: 'News', address: 'news@x.test' }]);
  assert.equal(parsed.subject, 'Weekly');
  assert.equal(parsed.text?.trim(), 'hello');
  assert.equal(parsed.htmlTruncated, true);
  assert.equal(parsed.html, `<p>${'é'.repeat(24)}`);
  assert.deepEqual(
    parsed.attachments.map((a) => [a.path, a.filename, a.contentType]),
    [['2', 'a.txt', 'text/plain']],
  );
  assert.equal(parsed.automated, true);
  const personal = await parseReceivedMessage(crlf('From: a@x.test\nSubject: hi\n\nhi\n'), { mailFrom: 'a@x.test' });
  assert.equal(personal.automated, false);
  assert.equal((await parseReceivedMessage(crlf('From: a@x.test\n\nhi\n'), { mailFrom: '' })).automated, true);
  assert.equal((await parseReceivedMessage(crlf('From: a@x.test\nAuto-Submitted: auto-replied\n\nhi\n'), {})).automated, true);
});
