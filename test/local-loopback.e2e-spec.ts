import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { MailEvent } from '@postern/db';
import { TestDnsServer, TestEnv, createTestEnv, eventually, freePort, http, startDnsServer } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningMta, startMta } from '../apps/mta/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

/** Local mode: mail sent to our own domains goes out through the worker and back in through our MX. */
describe('local mode loop-back: send API → worker → our MX → the Inbox', () => {
  let env: TestEnv;
  let dns: TestDnsServer;
  let api: RunningApi;
  let worker: RunningWorker;
  let mta: RunningMta;
  let db: DataSource;

  before(async () => {
    dns = await startDnsServer({});
    // The worker reaches the MX at the configured port, so it cannot be ephemeral here.
    env = createTestEnv({
      POSTERN_OUTBOUND: 'local',
      POSTERN_SMTP_PORT: String(await freePort()),
      POSTERN_DNS_SERVERS: dns.servers.join(','),
    });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
    mta = await startMta(env.context, { prepare: false });
    db = api.app.get(DataSource);
  });

  after(async () => {
    await mta?.close();
    await worker?.close();
    await api?.close();
    await dns?.close();
    await env?.cleanup();
  });

  test('a message to the local address is delivered (message.delivered) and lands in its Inbox (message.received)', async () => {
    const { apiKey, address } = api.local!;
    const sent = await http(api.url, 'POST', '/v1/messages', {
      key: apiKey,
      json: { from: { address }, to: [{ address }], subject: 'loop', text: 'round trip\n' },
    });
    assert.equal(sent.status, 202, sent.text);
    const received = await eventually(
      async () => (await db.getRepository(MailEvent).find({ where: { type: 'message.received' } })).find((e) => e.data.subject === 'loop'),
      { what: 'message.received', timeoutMs: 20_000 },
    );
    assert.equal(received.data.mailbox, 'INBOX');
    await eventually(
      async () => (await db.getRepository(MailEvent).findOneBy({ messageId: sent.body.id, type: 'message.delivered' })) ?? undefined,
      {
        what: 'message.delivered',
      },
    );
    const got = await http(api.url, 'GET', `/v1/received/${received.messageId}`, { key: apiKey });
    assert.equal(got.body.message.text.trim(), 'round trip');
    // Sent through the unique envelope sender, which the MX recognises but delivers (not a DSN).
    assert.match(got.body.returnPath, /^postern\+[0-9a-f]{16}@localhost$/);
    const mailboxes = await http(api.url, 'GET', '/v1/mailboxes', { key: apiKey });
    assert.equal(mailboxes.body.items.find((m: { name: string }) => m.name === 'INBOX').total, 1);
  });
});
