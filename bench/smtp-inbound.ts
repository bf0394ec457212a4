/**
 * Inbound SMTP throughput: Postfix's smtp-source sends N messages over S sessions to
 * Postern's MX (each stored durably in a mailbox before the 250), and in the same run to a
 * throwaway Postfix that keeps them in its queue, as the reference.
 *
 *   npm run build && node_modules/.bin/node dist/bench/smtp-inbound.js [--messages 10000] [--size 5120] [--sessions 10]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { NodeProcess, childEnv, createTestEnv, eventually, freePort, http, startDnsServer } from '@postern/testing';
import { startPostfix } from './postfix';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const N = Number(args.get('--messages') ?? 10_000);
const SIZE = Number(args.get('--size') ?? 5120);
const SESSIONS = Number(args.get('--sessions') ?? 10);
/** `--only postfix` or `--only postern` runs one side (to check a setup); ratios need both. */
const ONLY = args.get('--only');
const DIST = join(__dirname, '..');

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

function smtpSource(port: number, to: string): Promise<unknown> {
  return promisify(execFile)('/usr/sbin/smtp-source', [
    '-s',
    String(SESSIONS),
    '-l',
    String(SIZE),
    '-m',
    String(N),
    '-f',
    'sender@bench.example',
    '-t',
    to,
    `127.0.0.1:${port}`,
  ]);
}

/** True once something on `port` sends an SMTP greeting (RFC 5321 4.3.1 `220`). */
function greetsSmtp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('220')));
  });
}

async function postern(): Promise<number> {
  // An empty zone: SPF/DKIM/DMARC lookups for the bench sender answer NXDOMAIN at once.
  const dns = await startDnsServer({});
  const httpPort = await freePort();
  const smtpPort = await freePort();
  const env = createTestEnv({
    POSTERN_HTTP_PORT: String(httpPort),
    POSTERN_SMTP_PORT: String(smtpPort),
    POSTERN_SUBMISSION_PORT: String(await freePort()),
    POSTERN_SUBMISSIONS_PORT: String(await freePort()),
    POSTERN_IMAP_PORT: String(await freePort()),
    POSTERN_IMAPS_PORT: String(await freePort()),
    POSTERN_DNS_SERVERS: dns.servers.join(','),
    LOG_LEVEL: 'warn',
  });
  // The API's local mode makes the account and its address; then the MTA alone receives.
  const api = NodeProcess.start(join(DIST, 'apps/api/src/main.js'), [], childEnv(env.env));
  let mta: NodeProcess | undefined;
  const db = new Client({ connectionString: env.config.databaseUrl });
  try {
    const credentials = await api.until(
      () => Promise.resolve(JSON.parse(readFileSync(join(env.config.dataDir, 'local-credentials.json'), 'utf8')) as { address: string }),
      { what: 'local credentials', timeoutMs: 60_000 },
    );
    await api.until(async () => (await http(`http://127.0.0.1:${httpPort}`, 'GET', '/readyz')).status === 200, { what: 'API ready' });
    await api.stop();
    mta = NodeProcess.start(join(DIST, 'apps/mta/src/main.js'), [], childEnv(env.env));
    await mta.until(() => greetsSmtp(smtpPort), { what: 'MX listening', timeoutMs: 60_000 });
    await db.connect();
    const started = Date.now();
    await smtpSource(smtpPort, credentials.address);
    const elapsed = Date.now() - started;
    const stored = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mailbox_messages`)).rows[0].n;
    if (stored < N) throw new Error(`only ${stored} of ${N} messages were stored`);
    return elapsed;
  } finally {
    await db.end().catch(() => undefined);
    await mta?.stop();
    await api.stop();
    await dns.close();
    await env.cleanup();
  }
}

async function postfix(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-bench-postfix-'));
  const smtpdPort = await freePort();
  const instance = startPostfix(dir, smtpdPort, await freePort(), 50, { holdInQueue: true });
  try {
    await eventually(() => greetsSmtp(smtpdPort), { what: 'Postfix listening', timeoutMs: 30_000 });
    const started = Date.now();
    await smtpSource(smtpdPort, 'someone@bench.test');
    const elapsed = Date.now() - started;
    const queued = instance.queued();
    if (queued < N) throw new Error(`Postfix kept only ${queued} of ${N} messages`);
    return elapsed;
  } finally {
    instance.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`messages: ${N}, size: ${SIZE} bytes, smtp-source sessions: ${SESSIONS}`);
  const ours = ONLY === 'postfix' ? null : await postern();
  if (ours !== null) console.log(`Postern MX, stored in a mailbox: ${rate(N, ours)}/s (${ours} ms)`);
  const theirs = ONLY === 'postern' ? null : await postfix();
  if (theirs !== null) console.log(`Postfix smtpd, kept in its queue: ${rate(N, theirs)}/s (${theirs} ms)`);
  if (ours !== null && theirs !== null) console.log(`ratio Postern/Postfix: ${(theirs / ours).toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
