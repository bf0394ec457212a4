import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { QueuedRecipient } from '@postern/db';
import {
  NodeProcess,
  RecordingMx,
  TestDnsServer,
  TestEnv,
  childEnv,
  createTestEnv,
  deleteRedisKeys,
  http,
  startDnsServer,
  startRecordingMx,
} from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';

const WORKER = join(__dirname, '../apps/worker/src/main.js');
const MESSAGES = 1000;

/**
 * PostgreSQL is the truth, Redis only schedules: a worker killed with SIGKILL in the middle
 * of a run, followed by the loss of every Redis key, still ends with every accepted
 * recipient delivered (at least once).
 */
describe('delivery survives a killed worker and a flushed Redis', () => {
  let env: TestEnv;
  let api: RunningApi;
  let dns: TestDnsServer;
  let mx: RecordingMx;
  const workers: NodeProcess[] = [];

  before(async () => {
    dns = await startDnsServer({
      'dest.test': { MX: [{ preference: 10, exchange: 'mx.dest.test' }] },
      'mx.dest.test': { A: ['127.0.0.1'] },
    });
    mx = await startRecordingMx();
    env = createTestEnv({
      POSTERN_DNS_SERVERS: dns.servers.join(','),
      POSTERN_REMOTE_SMTP_PORT: String(mx.port),
      POSTERN_RECONCILE_SECONDS: '1',
      POSTERN_DELIVERY_LEASE_SECONDS: '5',
      POSTERN_DELIVERY_CONCURRENCY: '20',
    });
    api = await startApi(env.context);
  });

  after(async () => {
    for (const w of workers) await w.kill();
    await api?.close();
    await mx?.close();
    await dns?.close();
    await env?.cleanup();
  });

  test(`${MESSAGES} messages are all delivered across a SIGKILL and a Redis flush`, { timeout: 240_000 }, async () => {
    const admin = { key: api.local!.adminApiKey };
    await http(api.url, 'POST', '/v1/admin/domains', { ...admin, json: { name: 'sender.test' } });
    await http(api.url, 'POST', '/v1/admin/accounts', {
      ...admin,
      json: { name: 'bulk', messagesPerDay: 100000, firstTimeRecipientsPerDay: 100000 },
    });
    await http(api.url, 'POST', '/v1/admin/addresses', { ...admin, json: { address: 'bulk@sender.test', account: 'bulk' } });
    const key = (await http(api.url, 'POST', '/v1/admin/api-keys', { ...admin, json: { name: 'bulk', scope: 'account', account: 'bulk' } }))
      .body.key as string;

    const ids: string[] = [];
    for (let batch = 0; batch < MESSAGES; batch += 20) {
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http(api.url, 'POST', '/v1/messages', {
            key,
            json: {
              from: { address: 'bulk@sender.test' },
              to: [{ address: `r${batch + i}@dest.test` }],
              subject: `n${batch + i}`,
              text: 'x',
            },
          }),
        ),
      );
      for (const s of sent) {
        assert.equal(s.status, 202, s.text);
        ids.push(s.body.id as string);
      }
    }

    const db = api.app.get(DataSource);
    const delivered = () => db.getRepository(QueuedRecipient).countBy({ status: 'delivered' });
    const first = NodeProcess.start(WORKER, [], childEnv(env.env));
    workers.push(first);
    await first.until(async () => (await delivered()) >= 100, { timeoutMs: 60_000, what: 'the first worker to deliver 100' });
    await first.stop('SIGKILL');
    const atKill = await delivered();
    assert.ok(atKill < MESSAGES, `killed mid-run (${atKill} delivered)`);

    await deleteRedisKeys(env.env.REDIS_URL, env.config.redisPrefix);

    const second = NodeProcess.start(WORKER, [], childEnv(env.env));
    workers.push(second);
    await second.until(async () => (await delivered()) === MESSAGES, { timeoutMs: 90_000, what: `all ${MESSAGES} delivered` });

    const received = new Set(mx.transactions.map((t) => /^Subject: (n\d+)/m.exec(t.data.toString())?.[1]));
    assert.equal(received.size, MESSAGES, 'the MX received every message');
    const waiting = await db.getRepository(QueuedRecipient).countBy({ status: 'queued' });
    assert.equal(waiting, 0);
    // At-least-once: only messages in flight at the kill may arrive twice.
    assert.ok(mx.transactions.length - MESSAGES <= 20, `${mx.transactions.length - MESSAGES} duplicates`);
    await second.stop();
  });
});
