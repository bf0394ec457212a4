import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { binarySection, parseMessageStructure, parseSectionSpec, section, UNKNOWN_CTE } from './index';
import { crlf } from './imap-text.test-helper';

const outerHeader =
  'From: a@example.org\r\nTo: b@example.org\r\nSubject: sections\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n';
const innerMessage =
  'From: c@example.org\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n' +
  '--inner\r\nContent-Type: text/plain\r\n\r\nplain text\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--inner--\r\n';
const raw = Buffer.from(
  outerHeader +
    'preamble\r\n--outer\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
    'Gr=C3=BC=C3=9Fe, soft=\r\nbreak  \r\n' +
    '--outer\r\nContent-Type: message/rfc822\r\n\r\n' +
    innerMessage +
    '--outer\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n' +
    '--outer\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644\r\n' +
    '--outer--\r\nepilogue\r\n',
  'latin1',
);
const tree = parseMessageStructure(raw);
const text = (spec: string): string => section(raw, tree, spec).toString('latin1');

describe('section', () => {
  it('answers the whole message, its header and its text', () => {
    assert.ok(section(raw, tree, '').equals(raw));
    assert.equal(text('HEADER'), outerHeader);
    assert.equal(text('TEXT'), raw.toString('latin1').slice(outerHeader.length));
  });

  it('answers parts by number with their exact bytes, and MIME headers', () => {
    assert.equal(text('1'), 'Gr=C3=BC=C3=9Fe, soft=\r\nbreak  ');
    assert.equal(text('1.MIME'), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    assert.equal(text('2'), innerMessage);
    assert.equal(text('3'), 'AAECAwQ=');
  });

  it('goes into a message/rfc822 part: HEADER, TEXT and its own part numbers', () => {
    assert.equal(text('2.HEADER'), innerMessage.slice(0, innerMessage.indexOf('\r\n\r\n') + 4));
    assert.equal(text('2.TEXT'), innerMessage.slice(innerMessage.indexOf('\r\n\r\n') + 4));
    assert.equal(text('2.1'), 'plain text');
    assert.equal(text('2.2'), '<p>html</p>');
    assert.equal(text('2.2.MIME'), 'Content-Type: text/html\r\n\r\n');
    assert.equal(text('2.HEADER.FIELDS (SUBJECT)'), 'Subject: inner\r\n\r\n');
  });

  it('filters header fields by name, case-insensitively, keeping the blank line', () => {
    assert.equal(text('HEADER.FIELDS (subject "From")'), 'From: a@example.org\r\nSubject: sections\r\n\r\n');
    assert.equal(text('HEADER.FIELDS.NOT (From To Content-Type)'), 'Subject: sections\r\n\r\n');
    assert.equal(text('HEADER.FIELDS (X-Missing)'), '\r\n');
  });

  it('answers an empty string for parts that do not exist and for HEADER of a non-message part', () => {
    for (const spec of ['9', '1.2', '2.3', '1.HEADER', '3.TEXT', '2.2.1.1']) assert.equal(text(spec), '', spec);
  });

  it('treats the body of a single-part message as part 1 and its header as 1.MIME', () => {
    const plain = crlf('Subject: one', '', 'body', '');
    const t = parseMessageStructure(plain);
    assert.equal(section(plain, t, '1').toString(), 'body\r\n');
    assert.equal(section(plain, t, '1.MIME').toString(), 'Subject: one\r\n\r\n');
    assert.equal(section(plain, t, '1.1').toString(), '');
  });

  it('cuts partial fetches: origin and length, nothing past the end', () => {
    assert.equal(text('<0.4>'), 'From');
    assert.equal(text('1<3.5>'), 'C3=BC');
    assert.equal(
      section(raw, tree, { part: [], text: 'HEADER', fields: [] }, { offset: 6, length: 100 }).toString(),
      outerHeader.slice(6, 106),
    );
    assert.equal(text(`<${raw.length}.10>`), '');
  });

  it('reads section specs and refuses malformed ones', () => {
    assert.deepEqual(parseSectionSpec('1.2.HEADER.FIELDS (A "B C")<5.10>'), {
      spec: { part: [1, 2], text: 'HEADER.FIELDS', fields: ['A', 'B C'] },
      partial: { offset: 5, length: 10 },
    });
    for (const bad of ['MIME', '0', '1..2', '1HEADER', '.TEXT', '1.', 'HEADER.FIELDS', 'TEXT (A)', 'BOGUS'])
      assert.equal(parseSectionSpec(bad), null, bad);
  });
});

describe('binarySection', () => {
  it('decodes quoted-printable and base64, and leaves other parts as they are', () => {
    assert.equal((binarySection(raw, tree, [1]) as Buffer).toString('utf8'), 'Grüße, softbreak');
    assert.deepEqual(binarySection(raw, tree, [3]), Buffer.from([0, 1, 2, 3, 4]));
    assert.equal((binarySection(raw, tree, [2, 1]) as Buffer).toString(), 'plain text');
    assert.ok((binarySection(raw, tree, []) as Buffer).equals(raw));
  });

  it('reports an unknown transfer encoding, and an empty answer for a missing part', () => {
    assert.equal(binarySection(raw, tree, [4]), UNKNOWN_CTE);
    assert.deepEqual(binarySection(raw, tree, [7]), Buffer.alloc(0));
  });
});
