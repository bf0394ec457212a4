import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Account, Domain } from '@postern/db';
import { InboundHarness, SESSION, createAccount, deliver, refusal, startInbound } from './inbound.testing';

const MESSAGE = (subject: string) =>
  `From: someone@sender.test\nTo: x@postern.test\nSubject: ${subject}\nMessage-ID: <${subject}@sender.test>\n\nhello\n`;

describe('inbound recipients', () => {
  let h: InboundHarness;
  let alice: Account;
  let carol: Account;

  before(async () => {
    h = await startInbound();
    await h.domains.create({ name: 'postern.test' });
    await h.domains.create({ name: 'catch.test', catchallSeparator: '-' });
    alice = await createAccount(h, 'alice', ['alice@postern.test', 'alice2@postern.test', 'Info@catch.test']);
    carol = await createAccount(h, 'carol', ['carol@postern.test', '@catch.test']);
    await h.aliases.create({ address: 'team@postern.test', members: ['alice@postern.test', 'carol@postern.test'], postPublic: true });
    await h.aliases.create({ address: 'staff@postern.test', members: ['alice@postern.test'] });
  });

  after(() => h?.close());

  async function inbox(account: Account) {
    const box = await h.store.getMailbox(account.id, 'INBOX');
    return box ? h.store.listMessages(box.id) : [];
  }

  test('an unknown address is refused with 550 5.1.1, a domain we do not serve with 550 5.7.1', async () => {
    const envelope = { mailFrom: { address: 'a@sender.test', params: {} }, recipients: [] };
    assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'nobody@postern.test', envelope)), '550 5.1.1');
    assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'alice@elsewhere.test', envelope)), '550 5.7.1');
    assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'alice-x@postern.test', envelope)), '550 5.1.1');
  });

  test('the configured delays hold back "no such user" and the reply to a first-time sender domain', async () => {
    // The harness shares one config object with the service (0 ms in tests, as in local mode).
    const inbound = h.env.config.inbound;
    inbound.unknownRecipientDelayMs = 300;
    inbound.firstTimeSenderDelayMs = 300;
    try {
      const envelope = { mailFrom: { address: 'a@sender.test', params: {} }, recipients: [] };
      let started = Date.now();
      assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'ghost@postern.test', envelope)), '550 5.1.1');
      assert.ok(Date.now() - started >= 290, 'unknown recipient delayed');
      started = Date.now();
      await h.inbound.checkRecipient(SESSION, 'alice@postern.test', envelope);
      assert.ok(Date.now() - started < 290, 'known recipient not delayed');
      const first = 'From: a@new-sender.test\nSubject: first\n\nhi\n';
      started = Date.now();
      await deliver(h.inbound, { mailFrom: 'a@new-sender.test', recipients: ['alice@postern.test'], raw: first });
      assert.ok(Date.now() - started >= 290, 'first message from new-sender.test delayed');
      started = Date.now();
      await deliver(h.inbound, { mailFrom: 'a@new-sender.test', recipients: ['alice@postern.test'], raw: first });
      assert.ok(Date.now() - started < 290, 'second message not delayed');
    } finally {
      inbound.unknownRecipientDelayMs = 0;
      inbound.firstTimeSenderDelayMs = 0;
    }
  });

  test('plus-addressing with the domain separator reaches the address, case-insensitively', async () => {
    const before = (await inbox(alice)).length;
    await deliver(h.inbound, { mailFrom: 'a@sender.test', recipients: ['Alice+News@postern.test'], raw: MESSAGE('plus') });
    await deliver(h.inbound, { mailFrom: 'a@sender.test', recipients: ['info-tag@catch.test'], raw: MESSAGE('dash') });
    assert.deepEqual(
      (await inbox(alice)).slice(before).map((m) => m.subject),
      ['plus', 'dash'],
    );
  });

  test('the catch-all takes any other address of its domain; postmaster@ reaches every domain and the host name', async () => {
    const before = (await inbox(carol)).length;
    await deliver(h.inbound, { mailFrom: 'a@sender.test', recipients: ['whoever@catch.test'], raw: MESSAGE('catchall') });
    await deliver(h.inbound, { mailFrom: '', recipients: ['postmaster@catch.test'], raw: MESSAGE('pm-domain') });
    assert.deepEqual(
      (await inbox(carol)).slice(before).map((m) => m.subject),
      ['catchall', 'pm-domain'],
    );
    // postern.test has no postmaster address or catch-all: its oldest address (alice's) gets it.
    const aliceBefore = (await inbox(alice)).length;
    await deliver(h.inbound, { mailFrom: '', recipients: ['PostMaster@postern.test'], raw: MESSAGE('pm-postern') });
    await deliver(h.inbound, { mailFrom: '', recipients: ['postmaster@mx.postern.test'], raw: MESSAGE('pm-host') });
    assert.deepEqual(
      (await inbox(alice)).slice(aliceBefore).map((m) => m.subject),
      ['pm-postern', 'pm-host'],
    );
  });

  test('an alias delivers once to each member, even when a member is also named directly', async () => {
    const a = (await inbox(alice)).length;
    const c = (await inbox(carol)).length;
    await deliver(h.inbound, {
      mailFrom: 'a@sender.test',
      recipients: ['team@postern.test', 'alice@postern.test', 'alice2@postern.test'],
      raw: MESSAGE('fanout'),
    });
    assert.deepEqual(
      (await inbox(alice)).slice(a).map((m) => m.subject),
      ['fanout'],
    );
    assert.deepEqual(
      (await inbox(carol)).slice(c).map((m) => m.subject),
      ['fanout'],
    );
    const [stored] = (await inbox(alice)).slice(a);
    const raw = (await h.store.readRaw(stored)).toString();
    assert.match(raw, /^Return-Path: <a@sender\.test>\r\nX-Postern-Reason: accepted; mailbox=INBOX \(default\)/);
  });

  test('a members-only alias refuses outside senders with 550 5.7.1 and takes mail from its members', async () => {
    const envelope = { mailFrom: { address: 'outsider@sender.test', params: {} }, recipients: [] };
    assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'staff@postern.test', envelope)), '550 5.7.1');
    const before = (await inbox(alice)).length;
    await deliver(h.inbound, { mailFrom: 'ALICE@postern.test', recipients: ['staff@postern.test'], raw: MESSAGE('members') });
    assert.deepEqual(
      (await inbox(alice)).slice(before).map((m) => m.subject),
      ['members'],
    );
  });

  test('over quota: RCPT TO answers 452 4.2.2 (temporary), nothing is stored', async () => {
    const small = await createAccount(h, 'small', ['small@postern.test'], 1500);
    await deliver(h.inbound, { mailFrom: 'a@sender.test', recipients: ['small@postern.test'], raw: MESSAGE('fits') });
    const big = MESSAGE('too-big') + 'x'.repeat(2000) + '\n';
    assert.equal(
      await refusal(deliver(h.inbound, { mailFrom: 'a@sender.test', recipients: ['small@postern.test'], raw: big })),
      '452 4.2.2',
    );
    await h.db.getRepository(Account).update({ id: small.id }, { quotaBytes: 1 });
    const envelope = { mailFrom: { address: 'a@sender.test', params: {} }, recipients: [] };
    assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'small@postern.test', envelope)), '452 4.2.2');
    assert.deepEqual(
      (await inbox(small)).map((m) => m.subject),
      ['fits'],
    );
  });

  test('a disabled domain is not ours to receive for', async () => {
    await h.domains.create({ name: 'off.test' });
    await createAccount(h, 'off', ['x@off.test']);
    await h.db.getRepository(Domain).update({ name: 'off.test' }, { disabled: true });
    const envelope = { mailFrom: { address: 'a@sender.test', params: {} }, recipients: [] };
    assert.equal(await refusal(h.inbound.checkRecipient(SESSION, 'x@off.test', envelope)), '550 5.7.1');
  });
});
