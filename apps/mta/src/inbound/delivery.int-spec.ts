import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Account, MailEvent, MailboxRule, MessageBlob, OutboundMessage, QueuedRecipient, Suppression } from '@postern/db';
import { parseBounce } from '@postern/mime';
import { InboundHarness, createAccount, deliver, startInbound } from './inbound.testing';

// Compiled tests run from dist/; the fixtures stay in the source tree.
const FIXTURES = join(process.cwd(), 'test/fixtures/bounces');

describe('inbound delivery: bounces, rules and message.received', () => {
  let h: InboundHarness;
  let alice: Account;

  before(async () => {
    h = await startInbound();
    await h.domains.create({ name: 'postern.test' });
    alice = await createAccount(h, 'alice', ['alice@postern.test']);
  });

  after(() => h?.close());

  /** A sent message with its unique envelope sender, as libs/outbound stores it. */
  async function sentMessage(to: string, local = 'alice'): Promise<{ id: string; mailFrom: string }> {
    const blob = h.db.getRepository(MessageBlob).create({ data: Buffer.from('x'), size: 1 });
    await h.db.getRepository(MessageBlob).insert(blob);
    const tag = Math.random().toString(16).slice(2, 10).padEnd(8, '0');
    const message = h.db.getRepository(OutboundMessage).create({
      accountId: alice.id,
      source: 'api',
      fromAddress: 'alice@postern.test',
      mailFrom: `${local}+${tag}${tag}@postern.test`,
      messageIdHeader: `<${tag}@postern.test>`,
      subject: 'sent',
      size: 1,
      blobId: blob.id,
      extra: {},
      tags: [],
    });
    await h.db.getRepository(OutboundMessage).insert(message);
    await h.db.getRepository(QueuedRecipient).insert(
      h.db.getRepository(QueuedRecipient).create({
        messageId: message.id,
        accountId: alice.id,
        address: to,
        domain: to.split('@')[1],
        status: 'delivered',
        nextAttemptAt: new Date(),
      }),
    );
    return { id: message.id, mailFrom: message.mailFrom };
  }

  async function received(account: Account): Promise<MailEvent[]> {
    return h.db.getRepository(MailEvent).find({ where: { accountId: account.id, type: 'message.received' }, order: { id: 'ASC' } });
  }

  test('a DSN to a unique envelope sender goes to the bounce matcher (message.bounced), not to a mailbox', async () => {
    const sent = await sentMessage('gone@example.org');
    const fixture = readFileSync(join(FIXTURES, 'lhost-postfix-01.eml'));
    const original = (await parseBounce(fixture)).recipients[0].address;
    const dsn = Buffer.from(fixture.toString('latin1').split(original).join('gone@example.org'), 'latin1');
    const before = (await received(alice)).length;
    await deliver(h.inbound, { mailFrom: '', recipients: [sent.mailFrom], raw: dsn });
    const bounced = await h.db.getRepository(MailEvent).findOneByOrFail({ messageId: sent.id, type: 'message.bounced' });
    assert.equal(bounced.data.recipient, 'gone@example.org');
    assert.equal((await h.db.getRepository(Suppression).findOneByOrFail({ addressKey: 'gone@example.org' })).reason, 'hard_bounce');
    assert.equal((await received(alice)).length, before, 'no message.received: the DSN is not in a mailbox');
  });

  test('an ARF complaint to a unique envelope sender becomes message.complained', async () => {
    const sent = await sentMessage('annoyed@example.org');
    const arf = readFileSync(join(FIXTURES, 'arf-01.eml')).toString('latin1').split('redacted@example.net').join('annoyed@example.org');
    await deliver(h.inbound, { mailFrom: '', recipients: [sent.mailFrom], raw: Buffer.from(arf, 'latin1') });
    await h.db.getRepository(MailEvent).findOneByOrFail({ messageId: sent.id, type: 'message.complained' });
  });

  test('a person replying to a unique envelope sender reaches the sender address mailbox', async () => {
    const sent = await sentMessage('friend@example.org');
    const before = (await received(alice)).length;
    await deliver(h.inbound, {
      mailFrom: 'friend@example.org',
      recipients: [sent.mailFrom],
      raw: 'From: friend@example.org\nTo: alice@postern.test\nSubject: a reply\n\nthanks!\n',
    });
    const events = (await received(alice)).slice(before);
    assert.deepEqual(
      events.map((e) => e.data.subject),
      ['a reply'],
    );
  });

  test('a reply to the envelope sender of a message sent from an address that has no mailbox reaches the sending account', async () => {
    const sent = await sentMessage('friend@example.org', 'newsletter');
    const before = (await received(alice)).length;
    await deliver(h.inbound, {
      mailFrom: 'friend@example.org',
      recipients: [sent.mailFrom],
      raw: 'From: friend@example.org\nTo: newsletter@postern.test\nSubject: unsubscribe me\n\nplease\n',
    });
    assert.deepEqual(
      (await received(alice)).slice(before).map((e) => e.data.subject),
      ['unsubscribe me'],
    );
  });

  test('a header rule files mail into its mailbox; a rule naming a missing mailbox falls back to the Inbox', async () => {
    await h.store.ensureDefaultMailboxes(alice.id);
    await h.store.createMailbox(alice.id, 'Lists');
    const rules = h.db.getRepository(MailboxRule);
    await rules.insert(
      rules.create({ accountId: alice.id, field: 'header', header: 'List-Id', contains: 'weekly.example.org', mailboxName: 'Lists' }),
    );
    await rules.insert(rules.create({ accountId: alice.id, field: 'sender', contains: '@shop.example', mailboxName: 'Missing' }));
    await deliver(h.inbound, {
      mailFrom: 'bounces@mailer.example',
      recipients: ['alice@postern.test'],
      raw: 'From: news@example.org\nTo: alice@postern.test\nSubject: weekly\nList-Id: Weekly <weekly.example.org>\n\nnews\n',
    });
    await deliver(h.inbound, {
      mailFrom: 'offers@shop.example',
      recipients: ['alice@postern.test'],
      raw: 'From: offers@shop.example\nTo: alice@postern.test\nSubject: offer\n\nbuy\n',
    });
    const [weekly, offer] = (await received(alice)).slice(-2);
    assert.equal(weekly.data.mailbox, 'Lists');
    assert.equal(weekly.data.automated, true);
    assert.equal(offer.data.mailbox, 'INBOX');
    const lists = await h.store.getMailbox(alice.id, 'Lists');
    assert.deepEqual(
      (await h.store.listMessages(lists!.id)).map((m) => m.subject),
      ['weekly'],
    );
    assert.equal(lists!.total, 1);
  });

  test('message.received carries addresses, text, HTML, attachment metadata and whether it looks automated', async () => {
    const raw = [
      'From: "Zoë" <zoe@example.org>',
      'To: alice@postern.test, Bob <bob@example.net>',
      'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=',
      'Message-ID: <greet@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: multipart/alternative; boundary="b2"',
      '',
      '--b2',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hallo',
      '--b2',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hallo</p>',
      '--b2--',
      '--b1',
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4').toString('base64'),
      '--b1--',
      '',
    ].join('\n');
    await deliver(h.inbound, { mailFrom: 'zoe@example.org', recipients: ['alice@postern.test'], raw });
    const [event] = (await received(alice)).slice(-1);
    const data = event.data as Record<string, any>;
    assert.equal(data.subject, 'Grüße');
    assert.equal(data.from, 'zoe@example.org');
    assert.deepEqual(data.received.to, [
      { name: '', address: 'alice@postern.test' },
      { name: 'Bob', address: 'bob@example.net' },
    ]);
    assert.equal(data.received.text.trim(), 'Hallo');
    assert.equal(data.received.html.trim(), '<p>Hallo</p>');
    assert.deepEqual(
      data.received.attachments.map((a: { path: string; filename: string; contentType: string }) => [a.path, a.filename, a.contentType]),
      [['2', 'invoice.pdf', 'application/pdf']],
    );
    assert.equal(data.automated, false);
    assert.equal(data.mailbox, 'INBOX');
    const stored = await h.store.getMessageById(alice.id, event.messageId!);
    assert.equal(stored?.subject, 'Grüße');
  });
});
