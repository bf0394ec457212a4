import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { MIGRATIONS } from '../libs/db/src/migrations';
import { NodeProcess, ProcessResult, TestEnv, childEnv, createTestEnv, freePort, http, runNode } from '@postern/testing';

// Compiled entry points, next to this file's compiled copy in dist/.
const DIST = join(__dirname, '..');
const API = join(DIST, 'apps/api/src/main.js');
const WORKER = join(DIST, 'apps/worker/src/main.js');
const MTA = join(DIST, 'apps/mta/src/main.js');
const STANDALONE = join(DIST, 'apps/standalone/src/main.js');
const MIGRATE = join(DIST, 'scripts/migrate.js');

/** stderr is exactly one line (ending with a newline). */
function assertOneLine(result: ProcessResult): string {
  assert.match(result.stderr, /^[^\n]+\n$/, `one line on stderr, got:\n${result.stderr}`);
  return result.stderr.trimEnd();
}

describe('processes: configuration errors', () => {
  // No database or Redis is touched: configuration is validated before anything connects.
  const run = (vars: Record<string, string | undefined>) => runNode(API, [], childEnv({ LOG_LEVEL: 'silent' }, vars));

  test('a port that is not a number stops boot with exit 1 and one line naming POSTERN_HTTP_PORT', async () => {
    const result = await run({ POSTERN_HTTP_PORT: 'abc' });
    assert.equal(result.code, 1);
    assert.equal(assertOneLine(result), "postern: configuration error: POSTERN_HTTP_PORT: must be a port number 0-65535, got 'abc'");
    assert.equal(result.stdout, '');
  });

  test('production mode without POSTERN_HOSTNAME stops boot with one line naming it', async () => {
    const result = await run({ POSTERN_MODE: 'production' });
    assert.equal(result.code, 1);
    assert.equal(assertOneLine(result), 'postern: configuration error: POSTERN_HOSTNAME: is required in production mode');
  });

  test('production mode without DATABASE_URL stops boot with one line naming it', async () => {
    const result = await run({ POSTERN_MODE: 'production', POSTERN_HOSTNAME: 'mail.example.net' });
    assert.equal(result.code, 1);
    assert.equal(assertOneLine(result), 'postern: configuration error: DATABASE_URL: is required in production mode');
  });
});

describe('processes: unreachable services', () => {
  let env: TestEnv;

  before(() => {
    env = createTestEnv();
  });

  after(async () => {
    await env?.cleanup();
  });

  test('an unreachable PostgreSQL stops boot with one line naming it, its address and how to start it', async () => {
    const port = await freePort();
    const result = await runNode(API, [], childEnv(env.env, { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postern` }));
    assert.equal(result.code, 1);
    const line = assertOneLine(result);
    assert.match(line, /^postern: PostgreSQL is not reachable at /);
    assert.ok(line.includes(`127.0.0.1:${port}`), line);
    assert.match(line, /ECONNREFUSED/, 'says why');
    assert.ok(line.includes('docker compose up -d postgres redis'), line);
  });

  test('an unreachable Redis stops boot with one line naming it, its address and how to start it', async () => {
    const port = await freePort();
    const result = await runNode(API, [], childEnv(env.env, { REDIS_URL: `redis://127.0.0.1:${port}` }));
    assert.equal(result.code, 1);
    const line = assertOneLine(result);
    assert.match(line, /^postern: Redis is not reachable at /);
    assert.ok(line.includes(`127.0.0.1:${port}`), line);
    assert.match(line, /ECONNREFUSED/, 'says why');
    assert.ok(line.includes('docker compose up -d postgres redis'), line);
  });
});

describe('processes: npm start (standalone, local mode)', () => {
  let env: TestEnv;
  let httpPort: number;
  const children: NodeProcess[] = [];

  before(async () => {
    httpPort = await freePort();
    env = createTestEnv({ POSTERN_HTTP_PORT: String(httpPort) });
  });

  after(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await env?.cleanup();
  });

  /** Starts the standalone app and reads what it prints once ready. */
  async function start() {
    const child = NodeProcess.start(STANDALONE, [], childEnv(env.env));
    children.push(child);
    await child.waitForStdout(/^ {2}curl .*\n\n/m);
    const field = (label: string) => {
      const match = new RegExp(`^ {2}${label} +(\\S+)$`, 'm').exec(child.stdout);
      assert.ok(match, `prints ${label}:\n${child.stdout}`);
      return match[1];
    };
    const printed = {
      url: field('HTTP API'),
      docs: field('Swagger UI'),
      metrics: field('Metrics'),
      address: field('Address'),
      password: field('Password'),
      apiKey: field('API key'),
      adminApiKey: field('Admin API key'),
    };
    const file = readFileSync(join(env.config.dataDir, 'local-credentials.json'), 'utf8');
    return { child, printed, file };
  }

  let first: Awaited<ReturnType<typeof start>>;

  test('prints the URLs, the local address and keys, and saves them in local-credentials.json', async () => {
    first = await start();
    const { printed, child } = first;
    const url = `http://127.0.0.1:${httpPort}`;
    assert.match(child.stdout, /Postern is running in local mode\./);
    assert.equal(printed.url, url);
    assert.equal(printed.docs, `${url}/docs`);
    assert.equal(printed.metrics, `${url}/metrics`);
    assert.equal(printed.address, 'postern@localhost');
    assert.match(printed.apiKey, /^pst_/);
    assert.match(printed.adminApiKey, /^pst_/);
    assert.ok(child.stdout.includes(`(saved in ${env.config.dataDir}/local-credentials.json)`));
    assert.deepEqual(JSON.parse(first.file), {
      address: 'postern@localhost',
      password: printed.password,
      apiKey: printed.apiKey,
      adminApiKey: printed.adminApiKey,
      httpUrl: url,
    });
  });

  test('the printed API key reads the local account and the admin key lists accounts', async () => {
    const me = await http(first.printed.url, 'GET', '/v1/account', { key: first.printed.apiKey });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.name, 'postern');
    const accounts = await http(first.printed.url, 'GET', '/v1/admin/accounts', { key: first.printed.adminApiKey });
    assert.equal(accounts.status, 200, accounts.text);
    assert.deepEqual(
      accounts.body.items.map((a: { name: string }) => a.name),
      ['postern'],
    );
  });

  test('SIGTERM stops it with exit code 0', async () => {
    const result = await first.child.stop('SIGTERM');
    assert.equal(result.code, 0, first.child.output());
    assert.equal(result.signal, null);
    // The port is free again: nothing answers.
    await assert.rejects(fetch(`${first.printed.url}/healthz`));
  });

  test('starting again with the same data keeps the password and both keys, and the key still works', async () => {
    const second = await start();
    assert.deepEqual(second.printed, first.printed);
    assert.equal(second.file, first.file, 'local-credentials.json unchanged');
    const me = await http(second.printed.url, 'GET', '/v1/account', { key: second.printed.apiKey });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.name, 'postern');
    assert.equal((await second.child.stop('SIGTERM')).code, 0, second.child.output());
  });
});

describe('processes: each app boots alone', () => {
  let env: TestEnv;
  const children: NodeProcess[] = [];

  before(() => {
    env = createTestEnv();
  });

  after(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await env?.cleanup();
  });

  const start = (script: string, vars: Record<string, string>) => {
    const child = NodeProcess.start(script, [], childEnv(env.env, vars));
    children.push(child);
    return child;
  };

  /** GETs /healthz once the process answers (failing at once if it exits). */
  const whenAnswering = (child: NodeProcess, base: string, what: string) =>
    child.until(
      async () => {
        const res = await http(base, 'GET', '/healthz');
        return res.status === 200 ? res : undefined;
      },
      { what: `${what} to answer /healthz` },
    );

  test('the api answers healthz and readyz, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const api = start(API, { POSTERN_HTTP_PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    assert.deepEqual((await whenAnswering(api, base, 'the api')).body, { status: 'ok' });
    const ready = await http(base, 'GET', '/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.equal(ready.body.status, 'ready');
    const result = await api.stop('SIGTERM');
    assert.equal(result.code, 0, api.output());
  });

  test('the worker runs its heartbeat job from Redis, reports it on its health port, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const worker = start(WORKER, { POSTERN_WORKER_HEALTH_PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await whenAnswering(worker, base, 'the worker');
    const beat = await worker.until(
      async () => {
        const res = await http(base, 'GET', '/healthz');
        return res.body.lastHeartbeat ?? undefined;
      },
      { timeoutMs: 15_000, what: 'the worker to report a heartbeat' },
    );
    // The job ran in this very process: the BullMQ round trip through Redis works.
    assert.equal(beat.worker, `${hostname()}:${worker.child.pid}`);
    assert.equal(beat.requestedBy, 'scheduler');
    const result = await worker.stop('SIGTERM');
    assert.equal(result.code, 0, worker.output());
  });

  test('the mta answers on its health port and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const mta = start(MTA, { POSTERN_MTA_HEALTH_PORT: String(port) });
    const health = await whenAnswering(mta, `http://127.0.0.1:${port}`, 'the mta');
    assert.equal(health.body.status, 'ok');
    const result = await mta.stop('SIGTERM');
    assert.equal(result.code, 0, mta.output());
  });
});

describe('processes: migrations', () => {
  let env: TestEnv;

  before(() => {
    env = createTestEnv();
  });

  after(async () => {
    await env?.cleanup();
  });

  test('two instances migrating one fresh database at the same time both succeed, each migration applied once', async () => {
    const vars = childEnv(env.env);
    const results = await Promise.all([runNode(MIGRATE, [], vars), runNode(MIGRATE, [], vars)]);
    for (const result of results) {
      assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
      assert.equal(result.stdout, 'database is up to date\n');
    }
    const client = new Client({ connectionString: env.config.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; count: number }>(
        'SELECT name, count(*)::int AS count FROM migrations GROUP BY name ORDER BY name',
      );
      const expected = MIGRATIONS.map((M) => new M().name).sort();
      assert.deepEqual(
        rows,
        expected.map((name) => ({ name, count: 1 })),
      );
    } finally {
      await client.end();
    }
  });
});
