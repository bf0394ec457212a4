import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { AccountsService } from '@postern/accounts';
import { Account, MailEvent, MessageBlob, OutboundMessage, QueuedRecipient } from '@postern/db';
import { AddressesService, DomainsService } from '@postern/domains';
import { MailStore } from '@postern/mailstore';
import { parseBounce } from '@postern/mime';
import { TestDnsServer, TestEnv, createTestEnv, eventually, freePort, http, startDnsServer } from '@postern/testing';
import { startPostfix } from '../bench/postfix';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningMta, startMta } from '../apps/mta/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';
import { RawImap } from './imap-helpers';

/** Inbound mail end to end: real SMTP clients (nodemailer, Postfix) → our MX → a mailbox → the API. */
describe('inbound SMTP: the MX stores mail in mailboxes', () => {
  let env: TestEnv;
  let dns: TestDnsServer;
  let mta: RunningMta;
  let api: RunningApi;
  let db: DataSource;
  let store: MailStore;
  let bob: Account;
  let bobKey: string;
  let portMx: number;
  let worker: RunningWorker;
  let receiver: Server;
  let hookUrl: string;
  const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    dns = await startDnsServer({});
    dns.set('sender.test', { TXT: ['v=spf1 ip4:127.0.0.1 -all'] });
    dns.set('forged.test', { TXT: ['v=spf1 ip4:192.0.2.1 -all'] });
    dns.set('_dmarc.forged.test', { TXT: ['v=DMARC1; p=reject'] });
    env = createTestEnv({ POSTERN_DNS_SERVERS: dns.servers.join(','), POSTERN_HOSTNAME: 'mx.postern.test' });
    mta = await startMta(env.context);
    api = await startApi(env.context, { prepare: false });
    worker = await startWorker(env.context, { prepare: false });
    db = mta.app.get(DataSource);
    store = mta.app.get(MailStore);
    await mta.app.get(DomainsService).create({ name: 'postern.test' });
    bob = await mta.app.get(AccountsService).create({ name: 'bob', password: 'bobs imap password' });
    await mta.app.get(AddressesService).create({ address: 'bob@postern.test', accountId: bob.id });
    const admin = api.local!.adminApiKey;
    bobKey = (await http(api.url, 'POST', '/v1/admin/api-keys', { key: admin, json: { name: 'b', scope: 'account', account: 'bob' } })).body
      .key;
    portMx = mta.smtp.port('smtp')!;
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    await mta?.close();
    receiver?.close();
    await dns?.close();
    await env?.cleanup();
  });

  const transport = () =>
    createTransport({
      host: '127.0.0.1',
      port: portMx,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      name: 'client.sender.test',
    });

  async function receivedEvent(subject: string): Promise<MailEvent> {
    return eventually(
      async () =>
        (await db.getRepository(MailEvent).find({ where: { type: 'message.received', accountId: bob.id } })).find(
          (e) => e.data.subject === subject,
        ),
      {
        what: `message.received for ${subject}`,
      },
    );
  }

  test('nodemailer over STARTTLS: stored in the Inbox with Received (TLS version and cipher), SPF pass, readable through the API', async () => {
    const info = await transport().sendMail({
      from: 'alice@sender.test',
      to: 'bob@postern.test',
      subject: 'over smtp',
      text: 'Hello Bob\n',
    });
    assert.match(info.response, /^250 /);
    const event = await receivedEvent('over smtp');
    assert.equal(event.data.mailbox, 'INBOX');
    const got = await http(api.url, 'GET', `/v1/received/${event.messageId}`, { key: bobKey });
    assert.equal(got.status, 200);
    assert.equal(got.body.message.text.trim(), 'Hello Bob');
    assert.match(got.body.authenticationResults, /spf=pass/);
    const raw = (await http(api.url, 'GET', `/v1/received/${event.messageId}/raw`, { key: bobKey })).text;
    assert.match(
      raw,
      /^Received: from client\.sender\.test \(.*\[127\.0\.0\.1\]\)\r\n\tby mx\.postern\.test \(Postern\) with ESMTPS id \S+\r\n\t\(version=TLSv1\.[23] cipher=[A-Z0-9_-]+\)/m,
    );
    const inbox = await store.getMailbox(bob.id, 'INBOX');
    assert.equal(inbox!.total, 1);
  });

  test('a message.received webhook carries the parsed message, signed per Standard Webhooks', async () => {
    const endpoint = await http(api.url, 'POST', '/v1/webhook-endpoints', {
      key: bobKey,
      json: { url: hookUrl, events: ['message.received'] },
    });
    assert.equal(endpoint.status, 201, endpoint.text);
    await transport().sendMail({
      from: '"Alice" <alice@sender.test>',
      to: 'bob@postern.test',
      subject: 'hooked',
      text: 'plain\n',
      html: '<p>rich</p>',
      attachments: [{ filename: 'notes.txt', content: 'n\n' }],
    });
    const hook = await eventually(async () => Promise.resolve(hooks.find((h) => h.body.includes('"hooked"'))), {
      timeoutMs: 20_000,
      what: 'the webhook',
    });
    const payload = new Webhook(endpoint.body.secret as string).verify(hook.body, hook.headers as Record<string, string>) as {
      type: string;
      data: Record<string, any>;
    };
    assert.equal(payload.type, 'message.received');
    assert.equal(payload.data.mailbox, 'INBOX');
    assert.deepEqual(payload.data.envelope, { mailFrom: 'alice@sender.test', recipients: ['bob@postern.test'] });
    assert.deepEqual(payload.data.received.from, [{ name: 'Alice', address: 'alice@sender.test' }]);
    assert.equal(payload.data.received.text.trim(), 'plain');
    assert.equal(payload.data.received.html, '<p>rich</p>');
    assert.deepEqual(
      payload.data.received.attachments.map((a: { filename: string }) => a.filename),
      ['notes.txt'],
    );
    assert.equal(payload.data.authentication.spf.result, 'pass');
    assert.equal(payload.data.automated, false);
    const part = await http(api.url, 'GET', `/v1/received/${payload.data.messageId}/parts/${payload.data.received.attachments[0].path}`, {
      key: bobKey,
    });
    assert.equal(part.text, 'n\n');
  });

  test('a message received over SMTP is there for an IMAP client (imapflow), with our trace headers', async () => {
    await transport().sendMail({ from: 'alice@sender.test', to: 'bob@postern.test', subject: 'for imap', text: 'read me over IMAP\n' });
    await receivedEvent('for imap');
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: mta.imap.port('imaps')!,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'bob', pass: 'bobs imap password' },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const found = await client.search({ subject: 'for imap' }, { uid: true });
        assert.equal((found || []).length, 1);
        const message = await client.fetchOne(String((found as number[])[0]), { source: true, envelope: true }, { uid: true });
        assert.ok(message);
        assert.equal(message.envelope?.subject, 'for imap');
        const source = message.source!.toString();
        assert.match(source, /^Return-Path: <alice@sender\.test>\r\nX-Postern-Reason: accepted; mailbox=INBOX/);
        assert.match(source, /read me over IMAP/);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  test('a session in IDLE hears EXISTS as soon as SMTP delivers a message (raw IMAP)', async () => {
    const imap = await RawImap.open(mta.imap.port('imaps')!, true);
    try {
      assert.match(await imap.command('i1 LOGIN bob "bobs imap password"'), /^i1 OK/m);
      const selected = await imap.command('i2 SELECT INBOX');
      const before = Number(/^\* (\d+) EXISTS/m.exec(selected)![1]);
      imap.write('i3 IDLE\r\n');
      await imap.until(/^\+ .*\r\n/m);
      await transport().sendMail({ from: 'alice@sender.test', to: 'bob@postern.test', subject: 'during idle', text: 'ping\n' });
      // RFC 2177: the server sends the untagged EXISTS while the client idles.
      await imap.until(new RegExp(`^\\* ${before + 1} EXISTS\r\n`, 'm'));
      imap.write('DONE\r\n');
      assert.match(await imap.until(/^i3 .*\r\n/m), /^i3 OK/m);
    } finally {
      imap.close();
    }
  });

  test('an unknown recipient is refused with 550 5.1.1 and a DMARC p=reject failure with 550 5.7.1', async () => {
    await assert.rejects(
      transport().sendMail({ from: 'alice@sender.test', to: 'nobody@postern.test', subject: 'x', text: 'x' }),
      (err: { responseCode?: number; response?: string }) => err.responseCode === 550 && /5\.1\.1/.test(err.response ?? ''),
    );
    await assert.rejects(
      transport().sendMail({ from: 'ceo@forged.test', to: 'bob@postern.test', subject: 'wire money', text: 'x' }),
      (err: { responseCode?: number; response?: string }) => err.responseCode === 550 && /5\.7\.1/.test(err.response ?? ''),
    );
  });

  test('a DSN from swaks with a null sender to a unique envelope sender becomes message.bounced', async () => {
    const blob = db.getRepository(MessageBlob).create({ data: Buffer.from('x'), size: 1 });
    await db.getRepository(MessageBlob).insert(blob);
    const sent = db.getRepository(OutboundMessage).create({
      accountId: bob.id,
      source: 'api',
      fromAddress: 'bob@postern.test',
      mailFrom: 'bob+0123456789abcdef@postern.test',
      messageIdHeader: '<sent-1@postern.test>',
      subject: 'sent',
      size: 1,
      blobId: blob.id,
      extra: {},
      tags: [],
    });
    await db.getRepository(OutboundMessage).insert(sent);
    await db.getRepository(QueuedRecipient).insert(
      db.getRepository(QueuedRecipient).create({
        messageId: sent.id,
        accountId: bob.id,
        address: 'gone@example.org',
        domain: 'example.org',
        status: 'delivered',
        nextAttemptAt: new Date(),
      }),
    );
    const fixture = readFileSync(join(process.cwd(), 'test/fixtures/bounces/lhost-postfix-01.eml'));
    const original = (await parseBounce(fixture)).recipients[0].address;
    const dir = mkdtempSync(join(tmpdir(), 'postern-dsn-'));
    const file = join(dir, 'dsn.eml');
    writeFileSync(file, fixture.toString('latin1').split(original).join('gone@example.org'), 'latin1');
    try {
      const result = await promisify(execFile)(
        'swaks',
        ['--server', `127.0.0.1:${portMx}`, '--from', '<>', '--to', sent.mailFrom, '--data', `@${file}`, '--tls'],
        { timeout: 20_000 },
      ).catch((err: { stdout: string }) => err);
      assert.match(result.stdout, /<- {2}250 /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bounced = await eventually(
      async () => (await db.getRepository(MailEvent).findOneBy({ messageId: sent.id, type: 'message.bounced' })) ?? undefined,
      {
        what: 'message.bounced',
      },
    );
    assert.equal(bounced.data.recipient, 'gone@example.org');
  });

  test('Postfix as a real peer relays to our MX; the message lands in the Inbox', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-postfix-'));
    const smtpdPort = await freePort();
    const postfix = startPostfix(dir, smtpdPort, portMx, 2);
    try {
      await eventually(
        () =>
          new Promise<boolean>((resolve) => {
            const socket = connect(smtpdPort, '127.0.0.1', () => {
              socket.destroy();
              resolve(true);
            });
            socket.on('error', () => resolve(false));
          }),
        { what: 'Postfix listening', timeoutMs: 30_000 },
      );
      // Postfix's own test client hands the message to Postfix, whose smtp client delivers it to us.
      await promisify(execFile)('/usr/sbin/smtp-source', [
        '-m',
        '1',
        '-f',
        'alice@sender.test',
        '-t',
        'bob@postern.test',
        '-S',
        'via postfix',
        `127.0.0.1:${smtpdPort}`,
      ]);
      const event = await receivedEvent('via postfix');
      const stored = await store.getMessageById(bob.id, event.messageId!);
      const raw = (await store.readRaw(stored!)).toString();
      assert.match(raw, /^Received: from bench\.localdomain \(.*\[127\.0\.0\.1\]\)/m);
      // Postfix's own trace field is below ours.
      assert.match(raw, /by bench\.localdomain \(Postfix\)/);
    } finally {
      postfix.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
