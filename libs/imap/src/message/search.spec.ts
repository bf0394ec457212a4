import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addresses,
  headerValues,
  matchesAddress,
  matchesBody,
  matchesHeader,
  matchesText,
  parseMessageStructure,
  sentDate,
  sentDay,
} from './index';
import { crlf } from './imap-text.test-helper';

const raw = crlf(
  'From: =?UTF-8?B?Wm/Dqw==?= <zoe@example.org>',
  'To: Bob <bob@example.net>, carol@example.com',
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
  '  =?UTF-8?Q?_aus_K=C3=B6ln?=',
  'Date: Tue, 1 Dec 2026 23:30:00 -0500 (EST)',
  'X-Tag: Alpha',
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Caf=E9 au lait',
  '--b',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  'c2VjcmV0IGF0dGFjaG1lbnQ=',
  '--b',
  'Content-Type: message/rfc822',
  '',
  'Subject: forwarded words',
  '',
  'inner body text',
  '--b--',
  '',
);
const tree = parseMessageStructure(raw);

describe('search helpers', () => {
  it('gives header values unfolded with encoded words decoded', () => {
    assert.deepEqual(headerValues(tree, 'subject'), ['Grüße aus Köln']);
    assert.deepEqual(headerValues(tree, 'X-Missing'), []);
  });

  it('matches HEADER case-insensitively, decoded or as written; an empty string needs the field', () => {
    assert.ok(matchesHeader(raw, tree, 'Subject', 'GRÜSSE'.toLowerCase().replace('ss', 'ß')));
    assert.ok(matchesHeader(raw, tree, 'subject', '=?UTF-8?Q?'));
    assert.ok(matchesHeader(raw, tree, 'x-tag', 'alpha'));
    assert.ok(matchesHeader(raw, tree, 'X-Tag', ''));
    assert.ok(!matchesHeader(raw, tree, 'X-Other', ''));
    assert.ok(!matchesHeader(raw, tree, 'X-Tag', 'beta'));
  });

  it('matches BODY in decoded text parts only, embedded messages included, their headers not', () => {
    assert.ok(matchesBody(raw, tree, 'café'));
    assert.ok(matchesBody(raw, tree, 'INNER BODY'));
    assert.ok(!matchesBody(raw, tree, 'forwarded words'), 'the embedded header is not body');
    assert.ok(!matchesBody(raw, tree, 'secret attachment'), 'attachments are not text');
    assert.ok(!matchesBody(raw, tree, 'Grüße'), 'BODY does not look at the header');
  });

  it('matches BODY in a delivery report, as Dovecot searches every message/* part', () => {
    const report = crlf(
      'Content-Type: multipart/report; report-type=delivery-status; boundary=r',
      '',
      '--r',
      '',
      'Delivery failed.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; gone@example.org',
      'Status: 5.1.1',
      '--r--',
      '',
    );
    assert.ok(matchesBody(report, parseMessageStructure(report), 'gone@example.org'));
  });

  it('matches TEXT in the header and the body', () => {
    assert.ok(matchesText(raw, tree, 'grüße'));
    assert.ok(matchesText(raw, tree, 'forwarded words'));
    assert.ok(matchesText(raw, tree, 'au lait'));
    assert.ok(!matchesText(raw, tree, 'nowhere'));
  });

  it('lists and matches addresses by name or address', () => {
    assert.deepEqual(addresses(tree, 'to'), [
      { name: 'Bob', address: 'bob@example.net' },
      { name: null, address: 'carol@example.com' },
    ]);
    assert.deepEqual(addresses(tree, 'from'), [{ name: 'Zoë', address: 'zoe@example.org' }]);
    assert.ok(matchesAddress(tree, 'from', 'zoë'));
    assert.ok(matchesAddress(tree, 'to', 'CAROL@example'));
    assert.ok(!matchesAddress(tree, 'cc', ''));
    assert.ok(!matchesAddress(tree, 'to', 'zoe'));
  });

  it('reads the Date header as an instant and as the day written in its own zone', () => {
    assert.equal(sentDate(tree)?.toISOString(), '2026-12-02T04:30:00.000Z');
    assert.equal(sentDay(tree), '2026-12-01');
    const none = parseMessageStructure(crlf('Subject: x', '', ''));
    assert.equal(sentDate(none), null);
    assert.equal(sentDay(none), null);
    const junk = parseMessageStructure(crlf('Date: yesterday', '', ''));
    assert.equal(sentDate(junk), null);
    assert.equal(sentDay(parseMessageStructure(crlf('Date: 3 Feb 99 10:00 GMT', '', ''))), '1999-02-03');
  });
});
