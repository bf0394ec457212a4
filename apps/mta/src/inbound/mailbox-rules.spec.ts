import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MailboxRule } from '@postern/db';
import { matchRule } from './mailbox-rules';

const rule = (r: Partial<MailboxRule>): MailboxRule => Object.assign(new MailboxRule(), { header: null, mailboxName: 'X', ...r });

test('the first matching rule wins: sender (envelope or From) or a header, case-insensitively', () => {
  const rules = [
    rule({ field: 'header', header: 'List-Id', contains: 'WEEKLY.x.test', mailboxName: 'Lists' }),
    rule({ field: 'sender', contains: '@shop.test', mailboxName: 'Shopping' }),
  ];
  const headers = [
    { name: 'From', value: 'Shop <offers@shop.test>' },
    { name: 'list-id', value: '<weekly.x.test>' },
  ];
  assert.equal(matchRule(rules, { mailFrom: 'bounce@x.test', headers })?.mailboxName, 'Lists');
  assert.equal(matchRule(rules, { mailFrom: 'bounce@mailer.test', headers: headers.slice(0, 1) })?.mailboxName, 'Shopping');
  assert.equal(matchRule(rules, { mailFrom: 'a@SHOP.test', headers: [] })?.mailboxName, 'Shopping');
  assert.equal(matchRule(rules, { mailFrom: 'a@other.test', headers: [{ name: 'Subject', value: 'weekly.x.test' }] }), null);
});
