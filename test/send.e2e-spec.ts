import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { Account, MailEvent, OutboundMessage, QueuedRecipient, Suppression } from '@postern/db';
import {
  RecordingMx,
  TestDnsServer,
  TestEnv,
  createTestEnv,
  eventually,
  http,
  selfSignedCertificate,
  startDnsServer,
  startRecordingMx,
} from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

interface RecipientBody {
  id: string;
  address: string;
  status: string;
  attempts: {
    outcome: string;
    smtpCode: number | null;
    enhancedCode: string | null;
    text: string;
    remoteHost: string | null;
    tlsVersion: string | null;
  }[];
  nextAttemptAt: string | null;
}

describe('sending: API → queue → SMTP delivery', () => {
  let env: TestEnv;
  let api: RunningApi;
  let worker: RunningWorker;
  let dns: TestDnsServer;
  let mx: RecordingMx;
  let sts: Server;
  let db: DataSource;
  let key: string;
  let accountId: string;
  const stsRequests: string[] = [];
  const call = (method: string, path: string, options: Parameters<typeof http>[3] = {}) => http(api.url, method, path, { key, ...options });

  before(async () => {
    dns = await startDnsServer({
      'dest.test': { MX: [{ preference: 10, exchange: 'mx.dest.test' }] },
      'mx.dest.test': { A: ['127.0.0.1'] },
      // No MX: the domain itself is the implicit MX (RFC 5321 5.1).
      'implicit.test': { A: ['127.0.0.1'] },
      // RFC 7505 null MX.
      'nullmx.test': { MX: [{ preference: 0, exchange: '.' }] },
      'sts.test': { MX: [{ preference: 10, exchange: 'mx.sts.test' }] },
      'mx.sts.test': { A: ['127.0.0.1'] },
      '_mta-sts.sts.test': { TXT: ['v=STSv1; id=20261122'] },
      'mta-sts.sts.test': { A: ['127.0.0.1'] },
      // The first MX refuses connections (nothing listens on 127.0.0.2): the second takes the mail.
      'twomx.test': {
        MX: [
          { preference: 10, exchange: 'mx1.twomx.test' },
          { preference: 20, exchange: 'mx2.twomx.test' },
        ],
      },
      'mx1.twomx.test': { A: ['127.0.0.2'] },
      'mx2.twomx.test': { A: ['127.0.0.1'] },
    });
    const mxCert = await selfSignedCertificate(['mx.dest.test']);
    mx = await startRecordingMx({ tls: mxCert });
    const cert = await selfSignedCertificate(['mta-sts.sts.test']);
    sts = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      stsRequests.push(`${req.headers.host?.replace(/:\d+$/, '')}${req.url}`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('version: STSv1\r\nmode: enforce\r\nmx: mx.elsewhere.test\r\nmax_age: 86400\r\n');
    });
    await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
    const tmp = createTestEnv();
    const caFile = join(tmp.config.dataDir, 'ca.pem');
    writeFileSync(caFile, `${cert.cert}\n${mxCert.cert}`);
    env = createTestEnv({
      POSTERN_DATA_DIR: tmp.config.dataDir,
      POSTERN_HOSTNAME: 'mail.sender.test',
      POSTERN_DNS_SERVERS: dns.servers.join(','),
      POSTERN_REMOTE_SMTP_PORT: String(mx.port),
      POSTERN_MTA_STS_PORT: String((sts.address() as AddressInfo).port),
      POSTERN_TLS_CA_FILE: caFile,
      POSTERN_RETRY_SCHEDULE: '1s,1s,1s,1s',
      POSTERN_RECONCILE_SECONDS: '1',
      POSTERN_MAX_MESSAGE_SIZE: '200000',
    });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
    db = api.app.get(DataSource);
    const admin = api.local!.adminApiKey;
    const as = { key: admin };
    assert.equal((await http(api.url, 'POST', '/v1/admin/domains', { ...as, json: { name: 'sender.test' } })).status, 201);
    const account = await http(api.url, 'POST', '/v1/admin/accounts', { ...as, json: { name: 'alice' } });
    accountId = account.body.id;
    assert.equal(
      (await http(api.url, 'POST', '/v1/admin/addresses', { ...as, json: { address: 'alice@sender.test', account: 'alice' } })).status,
      201,
    );
    const created = await http(api.url, 'POST', '/v1/admin/api-keys', {
      ...as,
      json: { name: 'alice', scope: 'account', account: 'alice' },
    });
    key = created.body.key;
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    await mx?.close();
    await dns?.close();
    sts?.close();
    await env?.cleanup();
  });

  async function send(json: Record<string, unknown>, headers: Record<string, string> = {}) {
    return call('POST', '/v1/messages', {
      json: { from: { address: 'alice@sender.test', name: 'Alice' }, subject: 'Hello', text: 'Hi there\n', ...json },
      headers,
    });
  }

  async function settled(id: string, done: (r: RecipientBody[]) => boolean = (rs) => rs.every((r) => r.status !== 'queued')) {
    return eventually(
      async () => {
        const got = await call('GET', `/v1/messages/${id}`);
        return done(got.body.recipients) ? (got.body.recipients as RecipientBody[]) : undefined;
      },
      { timeoutMs: 30_000, what: `message ${id} to settle` },
    );
  }

  test('a message to two recipients at one domain goes in one signed SMTP transaction and both are delivered', async () => {
    const before = mx.mailCommands.length;
    const sent = await send({
      to: [{ address: 'bob@dest.test' }],
      cc: [{ address: 'carol@dest.test' }],
      tags: ['welcome'],
      extra: { orderId: '42' },
    });
    assert.equal(sent.status, 202, sent.text);
    assert.deepEqual(
      sent.body.recipients.map((r: RecipientBody) => [r.address, r.status]),
      [
        ['bob@dest.test', 'queued'],
        ['carol@dest.test', 'queued'],
      ],
    );
    assert.match(sent.body.messageId, /^<[^@]+@sender\.test>$/);
    const recipients = await settled(sent.body.id);
    assert.deepEqual(
      recipients.map((r) => r.status),
      ['delivered', 'delivered'],
    );
    assert.equal(recipients[0].attempts[0].smtpCode, 250);
    assert.equal(recipients[0].attempts[0].remoteHost, 'mx.dest.test');
    assert.match(String(recipients[0].attempts[0].tlsVersion), /^TLSv1\.[23]$/, 'STARTTLS was used because the MX offers it');
    assert.equal(mx.mailCommands.length - before, 1, 'one MAIL FROM for both recipients');

    const tx = mx.transactions.find((t) => t.data.includes(sent.body.messageId));
    assert.ok(tx, 'the MX received the message');
    assert.deepEqual(tx.recipients.sort(), ['bob@dest.test', 'carol@dest.test']);
    assert.equal(tx.secure, true);
    assert.match(tx.mailFrom, /^alice\+[0-9a-f]{16}@sender\.test$/, 'unique envelope sender');
    const signatures = tx.data.toString('latin1').match(/^DKIM-Signature:.*$/gim) ?? [];
    assert.equal(signatures.length, 2, 'signed with both selectors');
    const parsed = await simpleParser(tx.data);
    assert.equal(parsed.subject, 'Hello');
    assert.equal(parsed.text?.trim(), 'Hi there');

    const events = await db.getRepository(MailEvent).find({ where: { messageId: sent.body.id }, order: { id: 'ASC' } });
    assert.deepEqual(
      events.map((e) => e.type),
      ['message.delivered', 'message.delivered'],
    );
    assert.deepEqual(events[0].data.extra, { orderId: '42' });
    assert.deepEqual(events[0].data.tags, ['welcome']);
  });

  test('the implicit MX (no MX record, an A record) receives the mail', async () => {
    const sent = await send({ to: [{ address: 'dave@implicit.test' }] });
    const [r] = await settled(sent.body.id);
    assert.equal(r.status, 'delivered', JSON.stringify(r));
    assert.equal(r.attempts[0].remoteHost, 'implicit.test');
  });

  test('a 4xx is retried on the schedule and then delivered; the attempts and events show both', async () => {
    const sent = await send({ to: [{ address: 'flaky@dest.test' }] });
    const [r] = await settled(sent.body.id, (rs) => rs[0].status === 'delivered');
    assert.deepEqual(
      r.attempts.map((a) => [a.outcome, a.smtpCode]),
      [
        ['temporary', 451],
        ['delivered', 250],
      ],
    );
    const events = await db.getRepository(MailEvent).find({ where: { messageId: sent.body.id }, order: { id: 'ASC' } });
    assert.deepEqual(
      events.map((e) => e.type),
      ['message.delayed', 'message.delivered'],
    );
    assert.equal(events[0].data.attempt, 1);
    assert.ok(events[0].data.nextAttemptAt, 'delayed event says when the next attempt is');
  });

  test('a 5xx fails the recipient, suppresses the address, queues a DSN, and the next send is suppressed', async () => {
    await db.getRepository(Account).update({ id: accountId }, { dsnForApiSends: true });
    const sent = await send({ to: [{ address: 'reject-me@dest.test' }, { address: 'erin@dest.test' }] });
    const recipients = await settled(sent.body.id);
    const rejected = recipients.find((r) => r.address === 'reject-me@dest.test')!;
    assert.equal(rejected.status, 'failed');
    assert.deepEqual([rejected.attempts[0].smtpCode, rejected.attempts[0].enhancedCode], [550, '5.1.1']);
    assert.equal(recipients.find((r) => r.address === 'erin@dest.test')!.status, 'delivered');

    const suppression = await db.getRepository(Suppression).findOneByOrFail({ accountId, addressKey: 'reject-me@dest.test' });
    assert.equal(suppression.reason, 'hard_bounce');
    assert.match(suppression.smtpReply ?? '', /550 5\.1\.1/);
    const failed = await db.getRepository(MailEvent).findOneByOrFail({ messageId: sent.body.id, type: 'message.failed' });
    assert.equal(failed.data.suppressed, true);

    const dsn = await db.getRepository(OutboundMessage).findOneByOrFail({ source: 'dsn', accountId });
    assert.equal(dsn.mailFrom, '', 'a DSN has the null reverse-path');
    const dsnRecipient = await db.getRepository(QueuedRecipient).findOneByOrFail({ messageId: dsn.id });
    assert.equal(dsnRecipient.address, 'alice@sender.test');
    await db.getRepository(Account).update({ id: accountId }, { dsnForApiSends: false });

    const again = await send({ to: [{ address: 'Reject-Me+news@dest.test' }] });
    assert.equal(again.status, 202);
    assert.equal(again.body.recipients[0].status, 'suppressed', 'case and +tag do not escape the suppression list');
    const suppressedEvent = await db.getRepository(MailEvent).findOneByOrFail({ messageId: again.body.id });
    assert.equal(suppressedEvent.type, 'message.suppressed');
  });

  test('a null MX fails the recipient permanently without a connection', async () => {
    const sent = await send({ to: [{ address: 'nobody@nullmx.test' }] });
    const [r] = await settled(sent.body.id);
    assert.equal(r.status, 'failed');
    assert.equal(r.attempts[0].enhancedCode, '5.1.10');
    assert.match(r.attempts[0].text, /null MX/);
  });

  test('an MTA-STS policy in enforce mode keeps mail away from an MX it does not list', async () => {
    const sent = await send({ to: [{ address: 'frank@sts.test' }] });
    const [r] = await settled(sent.body.id, (rs) => rs[0].attempts.length >= 2);
    assert.equal(r.attempts[0].outcome, 'temporary');
    assert.equal(r.attempts[0].enhancedCode, '4.7.5');
    assert.match(r.attempts[0].text, /MTA-STS/);
    assert.ok(!mx.rcptAttempts.has('frank@sts.test'), 'nothing was sent to the non-matching MX');
    assert.deepEqual([...new Set(stsRequests)], ['mta-sts.sts.test/.well-known/mta-sts.txt']);
    assert.equal(stsRequests.length, 1, 'the policy is cached between attempts');
    const del = await call('DELETE', `/v1/messages/${sent.body.id}/recipients/${r.id}`);
    assert.ok(del.status === 200 || del.status === 409, del.text);
  });

  test('the same Idempotency-Key and body answer the first result; another body is refused; concurrent requests send once', async () => {
    const body = { to: [{ address: 'idem@dest.test' }], subject: 'Once' };
    const first = await send(body, { 'idempotency-key': 'k-1' });
    const second = await send(body, { 'idempotency-key': 'k-1' });
    assert.equal(first.status, 202);
    assert.deepEqual(second.body, first.body);
    const other = await send({ ...body, subject: 'Twice' }, { 'idempotency-key': 'k-1' });
    assert.equal(other.status, 422);
    assert.equal(other.body.code, 'idempotency_key_reused');

    const racing = await Promise.all([1, 2, 3].map(() => send({ to: [{ address: 'race@dest.test' }] }, { 'idempotency-key': 'k-race' })));
    assert.deepEqual(
      racing.map((r) => r.status),
      [202, 202, 202],
    );
    assert.equal(new Set(racing.map((r) => r.body.id)).size, 1);
    assert.equal(await db.getRepository(OutboundMessage).countBy({ id: racing[0].body.id }), 1);
    const all = await db.getRepository(QueuedRecipient).countBy({ address: 'race@dest.test' });
    assert.equal(all, 1, 'one queue row for three requests');
  });

  test('bad sends get clear errors and store nothing', async () => {
    const count = await db.getRepository(OutboundMessage).count();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ from: { address: 'mallory@other.test' }, to: [{ address: 'x@dest.test' }] }, 403, 'from_not_allowed'],
      [{ to: [] }, 422, 'no_recipients'],
      [{ to: [{ address: 'not an address' }] }, 422, 'invalid_address'],
      [{ to: [{ address: 'x@dest.test' }], text: undefined }, 400, 'validation_failed'],
      [{ to: [{ address: 'x@dest.test' }], subject: 'a\r\nBcc: evil@x.test' }, 400, 'validation_failed'],
      [{ to: [{ address: 'x@dest.test' }], headers: [['X-Ok', 'a\nb']] }, 400, 'validation_failed'],
      [{ to: [{ address: 'x@dest.test' }], sendAt: new Date(Date.now() + 61 * 86400_000).toISOString() }, 400, 'validation_failed'],
      [
        { to: [{ address: 'x@dest.test' }], attachments: [{ filename: 'big.bin', content: Buffer.alloc(300_000).toString('base64') }] },
        413,
        'message_too_large',
      ],
    ];
    for (const [json, status, code] of cases) {
      const got = await send(json);
      assert.equal(got.status, status, `${JSON.stringify(json).slice(0, 80)}: ${got.text}`);
      assert.equal(got.body.code, code);
    }
    assert.equal(await db.getRepository(OutboundMessage).count(), count, 'nothing stored');
  });

  test('a raw RFC 5322 message is signed and delivered; a foreign From is refused', async () => {
    const raw = 'From: Alice <alice@sender.test>\nTo: bob@dest.test\nSubject: Raw one\nMessage-ID: <raw-1@sender.test>\n\nRaw body\n';
    const sent = await call('POST', '/v1/messages/raw?to=bob@dest.test,grace@dest.test', {
      raw,
      headers: { 'content-type': 'message/rfc822' },
    });
    assert.equal(sent.status, 202, sent.text);
    assert.equal(sent.body.messageId, '<raw-1@sender.test>');
    const recipients = await settled(sent.body.id);
    assert.deepEqual(
      recipients.map((r) => r.status),
      ['delivered', 'delivered'],
    );
    const tx = mx.transactions.find((t) => t.data.includes('<raw-1@sender.test>'))!;
    assert.ok(!/[^\r]\n/.test(tx.data.toString('latin1')), 'LF line ends were normalised to CRLF');
    assert.match(tx.data.toString('latin1'), /^DKIM-Signature:/m);

    const foreign = await call('POST', '/v1/messages/raw?to=bob@dest.test', {
      raw: 'From: eve@other.test\r\nMessage-ID: <x@other.test>\r\n\r\nx\r\n',
      headers: { 'content-type': 'message/rfc822' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, 'from_not_allowed');
  });

  test('a scheduled message waits, can be canceled, and messages list by status, tag and recipient', async () => {
    const later = await send({
      to: [{ address: 'later@dest.test' }],
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
      tags: ['scheduled'],
    });
    assert.equal(later.status, 202);
    const got = await call('GET', `/v1/messages/${later.body.id}`);
    assert.equal(got.body.recipients[0].status, 'queued');
    assert.ok(new Date(got.body.recipients[0].nextAttemptAt).getTime() > Date.now() + 3500_000);

    const listed = await call('GET', '/v1/messages?tag=scheduled&status=queued');
    assert.deepEqual(
      listed.body.items.map((m: { id: string }) => m.id),
      [later.body.id],
    );
    const byRecipient = await call('GET', '/v1/messages?recipient=LATER@dest.test');
    assert.deepEqual(
      byRecipient.body.items.map((m: { id: string }) => m.id),
      [later.body.id],
    );

    const rid = later.body.recipients[0].id;
    const canceled = await call('DELETE', `/v1/messages/${later.body.id}/recipients/${rid}`);
    assert.equal(canceled.status, 200, canceled.text);
    assert.equal(canceled.body.status, 'canceled');
    const again = await call('DELETE', `/v1/messages/${later.body.id}/recipients/${rid}`);
    assert.equal(again.status, 409);
    assert.equal((await db.getRepository(MailEvent).findOneByOrFail({ recipientId: rid })).type, 'message.canceled');
  });

  test("another account's message is not found", async () => {
    const admin = api.local!.adminApiKey;
    await http(api.url, 'POST', '/v1/admin/accounts', { key: admin, json: { name: 'mallory' } });
    const other = await http(api.url, 'POST', '/v1/admin/api-keys', {
      key: admin,
      json: { name: 'm', scope: 'account', account: 'mallory' },
    });
    const mine = await send({ to: [{ address: 'x1@dest.test' }] });
    const peek = await http(api.url, 'GET', `/v1/messages/${mine.body.id}`, { key: other.body.key });
    assert.equal(peek.status, 404);
  });

  test('the daily message limit answers 429 naming the limit', async () => {
    await db.getRepository(Account).update({ id: accountId }, { messagesPerDay: 1 });
    const got = await send({ to: [{ address: 'limit@dest.test' }] });
    assert.equal(got.status, 429, got.text);
    assert.equal(got.body.code, 'send_limit_reached');
    assert.match(got.body.detail, /messagesPerDay/);
    await db.getRepository(Account).update({ id: accountId }, { messagesPerDay: 1000, firstTimeRecipientsPerDay: 0 });
    const fresh = await send({ to: [{ address: 'never-before@dest.test' }] });
    assert.equal(fresh.status, 429, fresh.text);
    assert.match(fresh.body.detail, /firstTimeRecipientsPerDay/);
    const known = await send({ to: [{ address: 'bob@dest.test' }] });
    assert.equal(known.status, 202, 'an address written to before is not a first-time recipient');
    await db.getRepository(Account).update({ id: accountId }, { firstTimeRecipientsPerDay: 200 });
  });

  test('a hold rule holds new recipients; the admin queue lists, releases and drops them', async () => {
    const admin = { key: api.local!.adminApiKey };
    const rule = await http(api.url, 'POST', '/v1/admin/hold-rules', { ...admin, json: { recipientDomain: 'dest.test', comment: 'test' } });
    assert.equal(rule.status, 201, rule.text);
    const held = await send({ to: [{ address: 'held1@dest.test' }, { address: 'held2@dest.test' }, { address: 'nobody@implicit.test' }] });
    assert.deepEqual(
      held.body.recipients.map((r: RecipientBody) => r.status),
      ['held', 'held', 'queued'],
    );
    assert.equal((await http(api.url, 'DELETE', `/v1/admin/hold-rules/${rule.body.id}`, admin)).status, 204);

    const listed = await http(api.url, 'GET', '/v1/admin/queue?status=held&recipientDomain=dest.test', admin);
    assert.deepEqual(listed.body.items.map((r: { address: string }) => r.address).sort(), ['held1@dest.test', 'held2@dest.test']);

    const [one, two] = held.body.recipients as RecipientBody[];
    const dropped = await http(api.url, 'POST', '/v1/admin/queue/drop', { ...admin, json: { ids: [two.id] } });
    assert.deepEqual(dropped.body, { affected: 1 });
    const released = await http(api.url, 'POST', '/v1/admin/queue/release', {
      ...admin,
      json: { filter: { recipientDomain: 'dest.test', status: 'held' } },
    });
    assert.deepEqual(released.body, { affected: 1 });
    const recipients = await settled(held.body.id, (rs) => rs.every((r) => r.status !== 'queued' && r.status !== 'held'));
    assert.deepEqual(recipients.map((r) => [r.address, r.status]).sort(), [
      [one.address, 'delivered'],
      [two.address, 'canceled'],
      ['nobody@implicit.test', 'delivered'],
    ]);
    const history = await http(api.url, 'GET', `/v1/admin/queue/history?status=canceled&account=${accountId}`, admin);
    assert.ok(history.body.items.some((r: { id: string }) => r.id === two.id));
    const bad = await http(api.url, 'POST', '/v1/admin/queue/explode', { ...admin, json: { ids: [] } });
    assert.equal(bad.status, 400);
  });

  test('routes pick transports: a relay for one domain, a fixed failure for another, and an operator can re-route queued mail', async () => {
    const admin = { key: api.local!.adminApiKey };
    const relay = await http(api.url, 'POST', '/v1/admin/transports', {
      ...admin,
      json: { name: 'relay', kind: 'relay', host: '127.0.0.1', port: mx.port, tls: 'none' },
    });
    assert.equal(relay.status, 201, relay.text);
    const block = await http(api.url, 'POST', '/v1/admin/transports', {
      ...admin,
      json: { name: 'block', kind: 'fail', failCode: 554, failText: 'blocked by policy' },
    });
    assert.equal(block.status, 201, block.text);
    const noHost = await http(api.url, 'POST', '/v1/admin/transports', { ...admin, json: { name: 'broken', kind: 'relay' } });
    assert.equal(noHost.status, 400);
    assert.equal(
      (await http(api.url, 'POST', '/v1/admin/routes', { ...admin, json: { toDomain: 'relayed.test', transport: 'relay' } })).status,
      201,
    );
    assert.equal(
      (await http(api.url, 'POST', '/v1/admin/routes', { ...admin, json: { toDomain: 'blocked.test', transport: 'block' } })).status,
      201,
    );

    // relayed.test has no DNS records at all: only the relay route can deliver it.
    const sent = await send({ to: [{ address: 'ann@relayed.test' }, { address: 'ben@blocked.test' }] });
    const recipients = await settled(sent.body.id);
    const byAddress = Object.fromEntries(recipients.map((r) => [r.address, r]));
    assert.equal(byAddress['ann@relayed.test'].status, 'delivered');
    assert.equal(byAddress['ann@relayed.test'].attempts[0].remoteHost, '127.0.0.1');
    assert.ok(mx.transactions.some((t) => t.recipients.includes('ann@relayed.test')));
    assert.equal(byAddress['ben@blocked.test'].status, 'failed');
    assert.deepEqual(
      [byAddress['ben@blocked.test'].attempts[0].smtpCode, byAddress['ben@blocked.test'].attempts[0].text],
      [554, 'blocked by policy'],
    );

    // An operator moves a held recipient for an unreachable domain onto the relay.
    const rule = await http(api.url, 'POST', '/v1/admin/hold-rules', { ...admin, json: { recipientDomain: 'nowhere.test' } });
    const stuck = await send({ to: [{ address: 'cat@nowhere.test' }] });
    assert.equal(stuck.body.recipients[0].status, 'held');
    await http(api.url, 'DELETE', `/v1/admin/hold-rules/${rule.body.id}`, admin);
    const moved = await http(api.url, 'POST', '/v1/admin/queue/transport', {
      ...admin,
      json: { ids: [stuck.body.recipients[0].id], transport: 'relay' },
    });
    assert.deepEqual(moved.body, { affected: 1 });
    await http(api.url, 'POST', '/v1/admin/queue/release', { ...admin, json: { ids: [stuck.body.recipients[0].id] } });
    const [cat] = await settled(stuck.body.id, (rs) => rs[0].status === 'delivered');
    assert.equal(cat.attempts[0].remoteHost, '127.0.0.1');
  });

  test('a refused connection to the first MX moves on to the next one', async () => {
    const sent = await send({ to: [{ address: 'gus@twomx.test' }] });
    const [r] = await settled(sent.body.id);
    assert.equal(r.status, 'delivered');
    assert.equal(r.attempts[0].remoteHost, 'mx2.twomx.test');
  });

  test('requireTls: true fails where the server lacks REQUIRETLS; false adds TLS-Required: No (RFC 8689)', async () => {
    const strict = await send({ to: [{ address: 'tls-strict@dest.test' }], requireTls: true });
    const [r] = await settled(strict.body.id);
    assert.equal(r.status, 'failed');
    assert.equal(r.attempts[0].enhancedCode, '5.7.30');
    assert.ok(!mx.rcptAttempts.has('tls-strict@dest.test'), 'nothing was sent');

    const relaxed = await send({ to: [{ address: 'tls-relaxed@dest.test' }], requireTls: false });
    await settled(relaxed.body.id);
    const tx = mx.transactions.find((t) => t.recipients.includes('tls-relaxed@dest.test'));
    assert.match(tx!.data.toString(), /^TLS-Required: No\r$/m);
  });
});
