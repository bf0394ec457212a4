import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bodyStructure, envelope, parseMessageStructure } from './index';
import { crlf, imapText } from './imap-text.test-helper';
import { adjacent } from '../protocol/value';

// Expected strings are Dovecot 2.3's answers for the same messages (FETCH BODYSTRUCTURE,
// BODY, ENVELOPE), with SP written between adjacent lists.

const multipart = crlf(
  'From: a@b',
  'Content-Type: multipart/mixed; boundary=x',
  '',
  'pre',
  '--x',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Language: en, de',
  'Content-Disposition: attachment; filename*0="a b"; filename*1=c',
  '',
  'A',
  '--x',
  '',
  'B',
  '',
  '--x--',
  'epi',
  '',
);

const nested = crlf(
  'From: a@b',
  'Content-Type: multipart/mixed; boundary="x"',
  '',
  '--x junk',
  'Content-Type: message/rfc822',
  '',
  'From: inner@x',
  'Subject: inner',
  'Content-Type: multipart/alternative; boundary=y',
  '',
  '--y',
  '',
  'plain',
  '--y',
  'Content-Type: text/html',
  '',
  '<b>',
  '--y--',
  '--x',
  'Content-Type: application/pdf; name=a.pdf',
  'Content-Transfer-Encoding: base64',
  '',
  'QUJD',
  '--x',
  'Content-Type: message/rfc822',
  'Content-Transfer-Encoding: base64',
  '',
  'QUJD',
  '--x',
  'Content-Type: text',
  '',
  'bad ct',
  '--x',
  'Content-Type: multipart/digest; boundary=z',
  '',
  '--z',
  '',
  'From: d@x',
  '',
  'digest msg',
  '--z--',
  '--x--',
  '',
);

const single = crlf(
  'Date: Mon, 1 Dec 2026 10:00:00 +0000 (UTC)',
  'Subject: =?utf-8?q?x?=',
  '  folded   here ',
  'From: "Joe Q." <joe@x.org>, noat, <@route,@r2:u@v>, bare@h (Comment)',
  'Sender:',
  'Reply-To: ',
  'To: undisclosed-recipients:;',
  'Cc: grp: a@b, "c d" <c@d>;, =?utf-8?q?x?= <e@f>, "quoted local"@dom',
  'Bcc: <>, a@, @b, "a\\"b" <x@y>',
  'In-Reply-To:  <a@b> (c)',
  'Message-ID:   <m@x> ',
  'Content-Type: TEXT/Plain; CHARSET="UTF-8"; Format=flowed',
  'Content-Transfer-Encoding: Base64',
  'Content-Language: en',
  'Content-Disposition: INLINE',
  'Content-ID: <cid>',
  'Content-Description: desc',
  'Content-Location: http://x',
  'Content-MD5: abc',
  '',
  'aGVsbG8=',
  '',
);

const structure = (raw: Buffer, extended: boolean): string => imapText(bodyStructure(parseMessageStructure(raw), extended));

describe('bodyStructure', () => {
  it('writes a multipart with RFC 2231 continuations, languages, and the epilogue left out', () => {
    assert.equal(
      structure(multipart, true),
      '(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 1 0 NIL ("attachment" ("filename" "a bc")) ("en" "de") NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1 NIL NIL NIL NIL) "mixed" ("boundary" "x") NIL NIL NIL)',
    );
    assert.equal(
      structure(multipart, false),
      '(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 1 0) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1) "mixed")',
    );
  });

  it('keeps the case of types, parameters and encodings, with every extension field', () => {
    assert.equal(
      structure(single, true),
      '("TEXT" "Plain" ("CHARSET" "UTF-8" "Format" "flowed") "<cid>" "desc" "Base64" 10 1 "abc" ("INLINE" NIL) ("en") "http://x")',
    );
  });

  it('writes message/rfc822 with envelope, structure and lines; digest parts default to message/rfc822', () => {
    assert.equal(
      structure(nested, true),
      '(("message" "rfc822" NIL NIL NIL "7bit" 140 (NIL "inner" ((NIL NIL "inner" "x")) ((NIL NIL "inner" "x")) ((NIL NIL "inner" "x")) NIL NIL NIL NIL NIL) ' +
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0 NIL NIL NIL NIL) ("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 3 0 NIL NIL NIL NIL) "alternative" ("boundary" "y") NIL NIL NIL) 12 NIL NIL NIL NIL) ' +
        '("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 4 NIL NIL NIL NIL) ' +
        '("message" "rfc822" NIL NIL NIL "base64" 6 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) 1 NIL NIL NIL NIL) ' +
        '("text" "" ("charset" "us-ascii") NIL NIL "7bit" 6 0 NIL NIL NIL NIL) ' +
        '(("message" "rfc822" NIL NIL NIL "7bit" 23 (NIL NIL ((NIL NIL "d" "x")) ((NIL NIL "d" "x")) ((NIL NIL "d" "x")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL) 2 NIL NIL NIL NIL) "digest" ("boundary" "z") NIL NIL NIL) ' +
        '"mixed" ("boundary" "x") NIL NIL NIL)',
    );
  });

  it('gives a multipart without boundary, or without any part, one empty text/plain part', () => {
    const noBoundary = crlf('From: a@b', 'Content-Type: multipart/mixed', '', 'hello', '');
    const noParts = crlf('From: a@b', 'Content-Type: multipart/mixed; boundary=x', '', 'hello', '');
    assert.equal(
      structure(noBoundary, true),
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" NIL NIL NIL NIL)',
    );
    assert.equal(
      structure(noParts, true),
      '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "x") NIL NIL NIL)',
    );
    assert.equal(structure(noParts, false), '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) "mixed")');
  });

  it('counts a last line without line end as no line, and a header-only message as empty text', () => {
    assert.equal(
      structure(crlf('From: a@b', 'Subject: hi', '', 'hello'), false),
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0)',
    );
    assert.equal(structure(crlf('From: a@b', ''), false), '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)');
  });
  it('reads unquoted parameter values as tokens and splits on a boundary prefix, as Dovecot does', () => {
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary=9DD/x',
      '',
      '--9DD/x',
      'Content-Type: text/plain; name=a/b; x=a\x01b; y=',
      '',
      'A',
      '--9DD',
      '',
      'B',
      '--9DD/x--',
      '',
    );
    assert.equal(
      structure(raw, true),
      '(("text" "plain" ("name" "a" "x" "a" "y" "" "charset" "us-ascii") NIL NIL "7bit" 1 0 NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 1 0 NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "9DD") NIL NIL NIL)',
    );
  });
});

describe('envelope', () => {
  it('gives empty fields as empty strings and a line without colon as no field', () => {
    const raw = crlf('Date:', 'Subject:', 'Message-ID:', 'In-Reply-To: ', 'From: a@b', 'To', '', '');
    assert.equal(
      imapText(envelope(parseMessageStructure(raw))),
      '("" "" ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) ((NIL NIL "a" "b")) NIL NIL NIL "" "")',
    );
  });

  it('parses addresses as Dovecot does: routes, comments, groups, missing parts', () => {
    assert.equal(
      imapText(envelope(parseMessageStructure(single))),
      '("Mon, 1 Dec 2026 10:00:00 +0000 (UTC)" "=?utf-8?q?x?= folded here" ' +
        '(("Joe Q." NIL "joe" "x.org") (NIL NIL "noat" "MISSING_DOMAIN") (NIL "@route,@r2" "u" "v") ("Comment" NIL "bare" "h")) ' +
        '(("Joe Q." NIL "joe" "x.org") (NIL NIL "noat" "MISSING_DOMAIN") (NIL "@route,@r2" "u" "v") ("Comment" NIL "bare" "h")) ' +
        '(("Joe Q." NIL "joe" "x.org") (NIL NIL "noat" "MISSING_DOMAIN") (NIL "@route,@r2" "u" "v") ("Comment" NIL "bare" "h")) ' +
        '((NIL NIL "undisclosed-recipients" NIL) (NIL NIL NIL NIL)) ' +
        '((NIL NIL "grp" NIL) (NIL NIL "a" "b") ("c d" NIL "c" "d") (NIL NIL NIL NIL) ("=?utf-8?q?x?=" NIL "e" "f") (NIL NIL "quoted local" "dom")) ' +
        '((NIL NIL "MISSING_MAILBOX" "MISSING_DOMAIN") (NIL NIL "a" "MISSING_DOMAIN") (NIL NIL "MISSING_MAILBOX" "b") ("a\\"b" NIL "x" "y")) ' +
        '"<a@b> (c)" "<m@x> ")',
    );
  });

  it('answers NIL for every field of a message without header, and joins repeated address fields', () => {
    assert.equal(imapText(envelope(parseMessageStructure(Buffer.from('\r\nbody\r\n')))), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
    const twice = crlf('To: a@b', 'Subject: first', 'To: "C" <c@d>', 'Subject: last', '', '');
    assert.deepEqual(envelope(parseMessageStructure(twice)), [
      null,
      'last',
      null,
      null,
      null,
      [
        adjacent([
          [null, null, 'a', 'b'],
          ['C', null, 'c', 'd'],
        ]),
      ],
      null,
      null,
      null,
      null,
    ]);
  });

  it('reads 8-bit header bytes that are not UTF-8 as Latin-1', () => {
    const raw = Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xe9]), Buffer.from('\r\n\r\n')]);
    assert.equal((envelope(parseMessageStructure(raw)) as unknown[])[1], 'café');
  });

  it('keeps 8-bit UTF-8 header text (RFC 6532) as text', () => {
    const raw = Buffer.from('From: Zoë <zoe@example.org>\r\nSubject: Grüße\r\n\r\n', 'utf8');
    const env = envelope(parseMessageStructure(raw)) as unknown[];
    assert.equal(env[1], 'Grüße');
    assert.deepEqual(env[2], [adjacent([['Zoë', null, 'zoe', 'example.org']])]);
  });
});
