import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { MailEvent } from '@postern/db';
import { RetentionService } from '@postern/outbound';
import { TestEnv, createTestEnv, eventually, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

describe('local mode: outgoing mail stays on this machine and the recipient picks the outcome', () => {
  let env: TestEnv;
  let api: RunningApi;
  let worker: RunningWorker;

  before(async () => {
    env = createTestEnv({ POSTERN_OUTBOUND: 'local', POSTERN_RETRY_SCHEDULE: '1s' });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    await env?.cleanup();
  });

  test('permerror, temperror, a bare code and an ordinary address each give their webhook events', async () => {
    const { apiKey, address } = api.local!;
    const to = ['permerror@example.com', 'temperror@example.com', '552@example.net', 'bob@example.org'];
    const sent = await http(api.url, 'POST', '/v1/messages', {
      key: apiKey,
      json: { from: { address }, to: to.map((a) => ({ address: a })), subject: 'try me', text: 'hello' },
    });
    assert.equal(sent.status, 202, sent.text);
    const recipients = await eventually(
      async () => {
        const got = await http(api.url, 'GET', `/v1/messages/${sent.body.id}`, { key: apiKey });
        const rs = got.body.recipients as { address: string; status: string; attempts: { smtpCode: number; enhancedCode: string }[] }[];
        return rs.every((r) => r.status !== 'queued') ? rs : undefined;
      },
      { timeoutMs: 20_000, what: 'every simulated outcome' },
    );
    const by = Object.fromEntries(recipients.map((r) => [r.address, r]));
    assert.deepEqual([by['permerror@example.com'].status, by['permerror@example.com'].attempts[0].enhancedCode], ['failed', '5.1.1']);
    assert.equal(by['temperror@example.com'].status, 'failed', 'retried on the (one-step) schedule, then failed');
    assert.deepEqual(
      by['temperror@example.com'].attempts.map((a) => a.smtpCode),
      [451, 451],
    );
    assert.deepEqual([by['552@example.net'].status, by['552@example.net'].attempts[0].smtpCode], ['failed', 552]);
    assert.equal(by['bob@example.org'].status, 'delivered');

    const events = await api.app
      .get(DataSource)
      .getRepository(MailEvent)
      .find({ where: { messageId: sent.body.id }, order: { id: 'ASC' } });
    const types = (a: string) => events.filter((e) => e.data.recipient === a).map((e) => e.type);
    assert.deepEqual(types('temperror@example.com'), ['message.delayed', 'message.failed']);
    assert.deepEqual(types('bob@example.org'), ['message.delivered']);
    assert.deepEqual(types('permerror@example.com'), ['message.failed']);
  });

  test('retention forgets retired history and events past the account settings, and keeps the rest', async () => {
    const db = api.app.get(DataSource);
    const { apiKey, address } = api.local!;
    const sent = await http(api.url, 'POST', '/v1/messages', {
      key: apiKey,
      json: { from: { address }, to: [{ address: 'old@example.com' }], text: 'x' },
    });
    await eventually(
      async () => (await http(api.url, 'GET', `/v1/messages/${sent.body.id}`, { key: apiKey })).body.recipients[0].status === 'delivered',
      {
        what: 'delivery',
      },
    );
    await db.query(`UPDATE queued_recipients SET retired_at = now() - interval '31 days' WHERE message_id = $1`, [sent.body.id]);
    await db.query(`UPDATE outbound_messages SET created_at = now() - interval '31 days' WHERE id = $1`, [sent.body.id]);
    await db.query(`UPDATE events SET created_at = now() - interval '31 days' WHERE message_id = $1`, [sent.body.id]);
    const before = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbound_messages');
    const result = await worker.app.get(RetentionService).run();
    assert.deepEqual(result, { recipients: 1, messages: 1, events: 1 });
    assert.equal((await http(api.url, 'GET', `/v1/messages/${sent.body.id}`, { key: apiKey })).status, 404);
    const afterCount = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbound_messages');
    assert.equal(afterCount[0].n, before[0].n - 1, 'newer messages stay');
  });
});
