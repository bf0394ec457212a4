/**
 * Sending throughput: N messages through Postern's API into Postfix's smtp-sink, against
 * Postfix relaying the same N (smtp-source → postfix → smtp-sink) in the same run.
 *
 *   npm run build && node_modules/.bin/node dist/bench/send.js [--messages 10000] [--size 5120] [--concurrency 32]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { NodeProcess, childEnv, createTestEnv, eventually, freePort, http, startDnsServer } from '@postern/testing';
import { startPostfix, startSmtpSink } from './postfix';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const N = Number(args.get('--messages') ?? 10_000);
const SIZE = Number(args.get('--size') ?? 5120);
const CONCURRENCY = Number(args.get('--concurrency') ?? 32);
const DIST = join(__dirname, '..');

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await eventually(async () => (await check()) || undefined, { timeoutMs, what });
}

async function postern(sinkPort: number): Promise<{ acceptedMs: number; deliveredMs: number }> {
  const dns = await startDnsServer({
    'sink.test': { MX: [{ preference: 10, exchange: 'mx.sink.test' }] },
    'mx.sink.test': { A: ['127.0.0.1'] },
  });
  const httpPort = await freePort();
  const env = createTestEnv({
    POSTERN_HTTP_PORT: String(httpPort),
    POSTERN_DNS_SERVERS: dns.servers.join(','),
    POSTERN_REMOTE_SMTP_PORT: String(sinkPort),
    POSTERN_OUTBOUND: 'direct',
    LOG_LEVEL: 'warn',
  });
  const api = NodeProcess.start(join(DIST, 'apps/api/src/main.js'), [], childEnv(env.env));
  let worker: NodeProcess | undefined;
  const db = new Client({ connectionString: env.config.databaseUrl });
  try {
    const credentials = await api.until(
      () =>
        Promise.resolve(
          JSON.parse(readFileSync(join(env.config.dataDir, 'local-credentials.json'), 'utf8')) as {
            apiKey: string;
            adminApiKey: string;
            address: string;
          },
        ),
      { what: 'local credentials', timeoutMs: 60_000 },
    );
    const base = `http://127.0.0.1:${httpPort}`;
    await api.until(async () => (await http(base, 'GET', '/readyz')).status === 200, { what: 'API ready' });
    const limits = await http(base, 'PATCH', '/v1/admin/accounts/postern', {
      key: credentials.adminApiKey,
      json: { messagesPerDay: 10_000_000, firstTimeRecipientsPerDay: 10_000_000 },
    });
    if (limits.status !== 200) throw new Error(`raising limits failed: ${limits.text}`);
    worker = NodeProcess.start(join(DIST, 'apps/worker/src/main.js'), [], childEnv(env.env));
    await db.connect();
    const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(Math.ceil(SIZE / 58)).slice(0, SIZE);

    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const sent = await http(base, 'POST', '/v1/messages', {
            key: credentials.apiKey,
            json: { from: { address: credentials.address }, to: [{ address: `r${i}@sink.test` }], subject: `bench ${i}`, text },
          });
          if (sent.status !== 202) throw new Error(`send ${i} failed: ${sent.status} ${sent.text}`);
        }
      }),
    );
    const acceptedMs = Date.now() - started;
    await waitFor(
      async () =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM queued_recipients WHERE status = 'delivered'`)).rows[0].n >= N,
      30 * 60_000,
      `${N} delivered`,
    );
    return { acceptedMs, deliveredMs: Date.now() - started };
  } finally {
    await db.end().catch(() => undefined);
    await worker?.stop();
    await api.stop();
    await dns.close();
    await env.cleanup();
  }
}

async function postfix(sinkPort: number, sink: { messages(): number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-bench-postfix-'));
  const smtpdPort = await freePort();
  const instance = startPostfix(dir, smtpdPort, sinkPort, 50);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const before = sink.messages();
    const started = Date.now();
    await promisify(execFile)('/usr/sbin/smtp-source', [
      '-s',
      String(CONCURRENCY),
      '-l',
      String(SIZE),
      '-m',
      String(N),
      '-f',
      'a@bench.localdomain',
      '-t',
      'b@sink.test',
      `127.0.0.1:${smtpdPort}`,
    ]);
    await waitFor(() => sink.messages() - before >= N, 30 * 60_000, `Postfix relaying ${N}`);
    return Date.now() - started;
  } finally {
    instance.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sinkPort = await freePort();
  const sink = startSmtpSink(sinkPort);
  try {
    await new Promise((r) => setTimeout(r, 500));
    console.log(`messages: ${N}, body: ${SIZE} bytes, concurrent API clients / smtp-source sessions: ${CONCURRENCY}`);
    const ours = await postern(sinkPort);
    console.log(
      `Postern: accepted ${rate(N, ours.acceptedMs)}/s (${ours.acceptedMs} ms), delivered end to end ${rate(N, ours.deliveredMs)}/s (${ours.deliveredMs} ms), DKIM-signed (Ed25519 + RSA-2048)`,
    );
    const theirs = await postfix(sinkPort, sink);
    console.log(`Postfix: relayed end to end ${rate(N, theirs)}/s (${theirs} ms), no DKIM signing`);
    console.log(`ratio Postern/Postfix (end to end): ${(theirs / ours.deliveredMs).toFixed(2)}`);
  } finally {
    sink.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
