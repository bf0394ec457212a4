import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { authenticate } from 'mailauth';
import { Account, MailEvent, SenderReputation } from '@postern/db';
import { mailauthResolver } from './authentication';
import { InboundHarness, createAccount, deliver, dkimsign, refusal, startInbound } from './inbound.testing';

const message = (from: string, subject: string, body = 'hello\n') =>
  Buffer.from(
    `From: ${from}\r\nTo: bob@postern.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@x.test>\r\n\r\n${body.replace(/\n/g, '\r\n')}`,
  );

describe('inbound SPF, DKIM, DMARC and the headers they leave', () => {
  let h: InboundHarness;
  let bob: Account;
  let privateKeyPem: string;

  before(async () => {
    h = await startInbound();
    await h.domains.create({ name: 'postern.test' });
    bob = await createAccount(h, 'bob', ['bob@postern.test']);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKeyPem = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const publicKey = rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    // The test client connects from 127.0.0.1.
    h.dns.set('pass.test', { TXT: ['v=spf1 ip4:127.0.0.1 -all'] });
    h.dns.set('soft.test', { TXT: ['v=spf1 ip4:192.0.2.1 ~all'] });
    h.dns.set('fail.test', { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
    h.dns.set('reject.test', { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
    h.dns.set('_dmarc.reject.test', { TXT: ['v=DMARC1; p=reject'] });
    h.dns.set('quarantine.test', { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
    h.dns.set('_dmarc.quarantine.test', { TXT: ['v=DMARC1; p=quarantine'] });
    // Signed mail from a domain whose SPF fails: DMARC passes only through the DKIM signature.
    h.dns.set('signed.test', { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
    h.dns.set('_dmarc.signed.test', { TXT: ['v=DMARC1; p=reject'] });
    h.dns.set('sel._domainkey.signed.test', { TXT: [`v=DKIM1; k=rsa; p=${publicKey}`] });
    h.dns.set('arc._domainkey.forwarder.test', { TXT: [`v=DKIM1; k=rsa; p=${publicKey}`] });
  });

  after(() => h?.close());

  async function lastStored(): Promise<{ raw: string; mailbox: string }> {
    const events = await h.db
      .getRepository(MailEvent)
      .find({ where: { type: 'message.received', accountId: bob.id }, order: { id: 'DESC' }, take: 1 });
    const stored = await h.store.getMessageById(bob.id, events[0].messageId!);
    return { raw: (await h.store.readRaw(stored!)).toString(), mailbox: events[0].data.mailbox as string };
  }

  const header = (raw: string, name: string) => {
    const m = new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(raw);
    return m ? m[1].replace(/\r\n[ \t]+/g, ' ') : null;
  };

  test('SPF pass: Received-SPF, Authentication-Results, Received with TLS, X-Postern-Reason, and a message.received event', async () => {
    await deliver(h.inbound, { mailFrom: 'news@pass.test', recipients: ['bob@postern.test'], raw: message('news@pass.test', 'spf-pass') });
    const { raw, mailbox } = await lastStored();
    assert.equal(mailbox, 'INBOX');
    assert.match(header(raw, 'Received-SPF')!, /^pass/);
    assert.match(header(raw, 'Authentication-Results')!, /^mx\.postern\.test;.*spf=pass \([^)]*\) smtp\.mailfrom=news@pass\.test/);
    assert.match(
      header(raw, 'Received')!,
      /^from client\.sender\.test \(\[127\.0\.0\.1\]\) by mx\.postern\.test \(Postern\) with ESMTPS id test-session \(version=TLSv1\.3 cipher=TLS_AES_256_GCM_SHA384\) for <bob@postern\.test>;/,
    );
    assert.match(
      header(raw, 'X-Postern-Reason')!,
      /^accepted; mailbox=INBOX \(default\); dmarc=none spf=pass dkim=none arc=none; sender=pass\.test first-time; rate=\d+\/min from 127\.0\.0\.1$/,
    );
    const event = await h.db
      .getRepository(MailEvent)
      .findOneOrFail({ where: { type: 'message.received', accountId: bob.id }, order: { id: 'DESC' } });
    assert.equal(event.data.subject, 'spf-pass');
    assert.deepEqual(event.data.envelope, { mailFrom: 'news@pass.test', recipients: ['bob@postern.test'] });
    assert.equal((event.data.authentication as { spf: { result: string } }).spf.result, 'pass');
    assert.equal((event.data.received as { text: string }).text.trim(), 'hello');
  });

  test('SPF softfail and fail are recorded, and without DMARC the message is still delivered', async () => {
    await deliver(h.inbound, { mailFrom: 'a@soft.test', recipients: ['bob@postern.test'], raw: message('a@soft.test', 'spf-soft') });
    assert.match(header((await lastStored()).raw, 'Received-SPF')!, /^softfail/);
    await deliver(h.inbound, { mailFrom: 'a@fail.test', recipients: ['bob@postern.test'], raw: message('a@fail.test', 'spf-fail') });
    const { raw } = await lastStored();
    assert.match(header(raw, 'Received-SPF')!, /^fail/);
    assert.match(header(raw, 'Authentication-Results')!, /spf=fail/);
  });

  test('DMARC p=reject failing is refused with 550 5.7.1 and nothing is stored', async () => {
    const before = await h.db.getRepository(MailEvent).countBy({ type: 'message.received' });
    const reply = await refusal(
      deliver(h.inbound, { mailFrom: 'ceo@reject.test', recipients: ['bob@postern.test'], raw: message('ceo@reject.test', 'forged') }),
    );
    assert.equal(reply, '550 5.7.1');
    assert.equal(await h.db.getRepository(MailEvent).countBy({ type: 'message.received' }), before);
    assert.equal((await h.db.getRepository(SenderReputation).findOneByOrFail({ domain: 'reject.test' })).rejected, 1);
  });

  test('DMARC p=quarantine failing goes to the Junk mailbox', async () => {
    await deliver(h.inbound, {
      mailFrom: 'a@quarantine.test',
      recipients: ['bob@postern.test'],
      raw: message('a@quarantine.test', 'quarantined'),
    });
    const { raw, mailbox } = await lastStored();
    assert.equal(mailbox, 'Junk');
    assert.match(header(raw, 'X-Postern-Reason')!, /mailbox=Junk \(dmarc policy quarantine\); dmarc=fail/);
  });

  test('a message signed by python3-dkim passes DKIM (and so DMARC); tampered after signing it fails and is rejected', async () => {
    const signed = dkimsign(message('Alice <alice@signed.test>', 'signed', 'The body that the tamper test changes.\n'), {
      selector: 'sel',
      domain: 'signed.test',
      privateKeyPem,
    });
    await deliver(h.inbound, { mailFrom: 'alice@signed.test', recipients: ['bob@postern.test'], raw: signed });
    const ar = header((await lastStored()).raw, 'Authentication-Results')!;
    assert.match(ar, /dkim=pass header\.i=@signed\.test header\.s=sel/);
    assert.match(ar, /spf=fail/);
    assert.match(ar, /dmarc=pass/);

    const tampered = Buffer.from(signed.toString().replace('The body that', 'The body which'));
    const reply = await refusal(deliver(h.inbound, { mailFrom: 'alice@signed.test', recipients: ['bob@postern.test'], raw: tampered }));
    assert.equal(reply, '550 5.7.1');
  });

  test('without a DMARC policy a tampered signature fails (mailauth reports dkim=neutral, body hash did not verify) and the message is still delivered', async () => {
    const signed = dkimsign(message('Alice <alice@plain.test>', 'tampered-nodmarc', 'Original body.\n'), {
      selector: 'sel',
      domain: 'signed.test',
      privateKeyPem,
    });
    const tampered = Buffer.from(signed.toString().replace('Original body.', 'Changed body.'));
    await deliver(h.inbound, { mailFrom: 'alice@plain.test', recipients: ['bob@postern.test'], raw: tampered });
    const { raw, mailbox } = await lastStored();
    assert.equal(mailbox, 'INBOX');
    assert.match(header(raw, 'Authentication-Results')!, /dkim=neutral \(body hash did not verify\) header\.i=@signed\.test/);
    assert.match(header(raw, 'X-Postern-Reason')!, /dmarc=none spf=none dkim=neutral/);
    assert.match(raw, /Subject: tampered-nodmarc/);
  });

  test('an ARC set sealed by a forwarder verifies: arc=pass in Authentication-Results and X-Postern-Reason', async () => {
    const original = message('Alice <alice@origin.test>', 'forwarded');
    // The forwarder's own check and seal (RFC 8617 5.1), before it passes the message on.
    const atForwarder = await authenticate(original, {
      ip: '127.0.0.1',
      helo: 'mail.origin.test',
      sender: 'alice@origin.test',
      mta: 'mx.forwarder.test',
      resolver: mailauthResolver([`127.0.0.1:${h.dns.port}`]),
      seal: { signingDomain: 'forwarder.test', selector: 'arc', privateKey: privateKeyPem },
    });
    assert.match(atForwarder.headers, /ARC-Seal: i=1;/);
    const forwarded = Buffer.concat([Buffer.from(atForwarder.headers.replace(/\r?\n/g, '\r\n')), original]);
    await deliver(h.inbound, { mailFrom: 'list@forwarder.test', recipients: ['bob@postern.test'], raw: forwarded });
    const { raw } = await lastStored();
    assert.match(header(raw, 'Authentication-Results')!, /arc=pass/);
    assert.match(header(raw, 'X-Postern-Reason')!, /arc=pass/);
  });

  test('the reputation table counts what each sender domain sent; the second message is no longer first-time', async () => {
    await deliver(h.inbound, { mailFrom: 'news@pass.test', recipients: ['bob@postern.test'], raw: message('news@pass.test', 'again') });
    assert.match(header((await lastStored()).raw, 'X-Postern-Reason')!, /sender=pass\.test seen=1 authenticated=1 failed=0/);
    const row = await h.db.getRepository(SenderReputation).findOneByOrFail({ domain: 'pass.test' });
    assert.equal(row.messages, 2);
  });

  test('a forged X-Postern-Reason or Authentication-Results with our name is removed', async () => {
    const forged = Buffer.concat([
      Buffer.from('X-Postern-Reason: accepted; trust me\r\nAuthentication-Results: mx.postern.test; dmarc=pass\r\n'),
      message('news@pass.test', 'forged-headers'),
    ]);
    await deliver(h.inbound, { mailFrom: 'news@pass.test', recipients: ['bob@postern.test'], raw: forged });
    const { raw } = await lastStored();
    assert.equal(raw.match(/^X-Postern-Reason:/gm)?.length, 1);
    assert.doesNotMatch(raw, /trust me/);
    assert.equal(raw.match(/^Authentication-Results:/gm)?.length, 1);
  });
});
