import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { prepareDatabase } from '@postern/db';
import { TestEnv, createTestEnv, freePort, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';

let env: TestEnv;
let api: RunningApi;

before(async () => {
  env = createTestEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  await prepareDatabase({ databaseUrl: env.config.databaseUrl, createIfMissing: true, logger: env.context.logger });
  api = await startApi(env.context, { prepare: false });
});

after(async () => {
  await api?.close();
  await env?.cleanup();
});

test('readyz answers 503 naming Redis when Redis is down, while healthz still answers', async () => {
  const ready = await http(api.url, 'GET', '/readyz');
  assert.equal(ready.status, 503);
  assert.equal(ready.body.status, 'not_ready');
  assert.deepEqual(ready.body.postgres, { status: 'ok' });
  assert.equal(ready.body.redis.status, 'down');
  assert.match(ready.body.redis.error, /^Redis is not reachable at 127\.0\.0\.1:\d+ \(.*ECONNREFUSED/);
  assert.equal((await http(api.url, 'GET', '/healthz')).status, 200);
});
