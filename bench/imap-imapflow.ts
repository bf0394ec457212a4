/**
 * IMAP throughput against Dovecot: the same imapflow client and the same generated messages,
 * over implicit TLS to both, in the same run: APPEND N messages, FETCH 1:* (FLAGS ENVELOPE),
 * FETCH 1:* BODY.PEEK[], SEARCH TEXT, and logins per second with 10 parallel clients.
 * Postern runs as its own MTA process (as in production) over the local PostgreSQL and
 * Redis; Dovecot (Debian's dovecot-imapd) runs from a throwaway configuration on other ports
 * with Maildir storage and an ARGON2ID password hash (Postern checks scrypt, ln=15).
 *
 *   npm run build && node_modules/.bin/node dist/bench/imap-imapflow.js [--messages 10000] [--logins 200] [--only postern|dovecot]
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { NodeProcess, childEnv, createTestEnv, eventually, freePort, http, selfSignedCertificate } from '@postern/testing';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const N = Number(args.get('--messages') ?? 10_000);
const LOGINS = Number(args.get('--logins') ?? 200);
const PARALLEL = 10;
const ONLY = args.get('--only');
const DIST = join(__dirname, '..');

interface Target {
  name: string;
  port: number;
  user: string;
  pass: string;
}

interface Timings {
  append: number;
  fetchEnvelopes: number;
  fetchBodies: number;
  search: number;
  searchHits: number;
  logins: number;
}

/** Message i: about 3 KB of text, one in ten mentions the search word. */
function message(i: number): Buffer {
  const line = `Line of the body of message ${i}, with enough words to look like mail text. `.repeat(1);
  const body = Array.from({ length: 40 }, (_, j) => (j === 20 && i % 10 === 0 ? `The zephyrine clause applies here (${i}).` : line)).join(
    '\r\n',
  );
  return Buffer.from(
    `From: Sender ${i % 50} <sender${i % 50}@bench.example>\r\nTo: Reader <reader@bench.example>\r\nSubject: Bench message ${i}\r\n` +
      `Date: Mon, 02 Dec 2024 10:${String(i % 60).padStart(2, '0')}:00 +0000\r\nMessage-ID: <bench-${i}@bench.example>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
  );
}

function client(target: Target): ImapFlow {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: target.port,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: target.user, pass: target.pass },
    logger: false,
  });
  c.on('error', () => undefined);
  return c;
}

async function measure(target: Target): Promise<Timings> {
  const c = client(target);
  await c.connect();
  const mailbox = 'Bench';
  await c.mailboxCreate(mailbox);
  let started = Date.now();
  for (let i = 0; i < N; i++) await c.append(mailbox, message(i));
  const append = Date.now() - started;

  const lock = await c.getMailboxLock(mailbox);
  let fetchEnvelopes: number;
  let fetchBodies: number;
  let search: number;
  let searchHits: number;
  try {
    // Untimed warm-up on both sides (the client's lazily loaded parsers and JIT, the server's
    // code paths), then the best of two runs of each, as a long-running server would answer.
    for await (const m of c.fetch('1:50', { flags: true, envelope: true, source: true })) void m;
    const best = async (run: () => Promise<void>): Promise<number> => {
      let fastest = Infinity;
      for (let k = 0; k < 2; k++) {
        const t = Date.now();
        await run();
        fastest = Math.min(fastest, Date.now() - t);
      }
      return fastest;
    };
    fetchEnvelopes = await best(async () => {
      let count = 0;
      for await (const m of c.fetch('1:*', { flags: true, envelope: true })) if (m.envelope) count++;
      if (count !== N) throw new Error(`${target.name}: fetched ${count} envelopes of ${N}`);
    });
    fetchBodies = await best(async () => {
      let bytes = 0;
      for await (const m of c.fetch('1:*', { source: true })) bytes += m.source?.length ?? 0;
      if (bytes === 0) throw new Error(`${target.name}: no bodies`);
    });
    searchHits = 0;
    search = await best(async () => {
      const hits = await c.search({ text: 'zephyrine' });
      searchHits = Array.isArray(hits) ? hits.length : 0;
    });
  } finally {
    lock.release();
  }
  await c.logout();

  started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < LOGINS) {
        next++;
        const one = client(target);
        await one.connect();
        await one.logout();
      }
    }),
  );
  const logins = Date.now() - started;
  return { append, fetchEnvelopes, fetchBodies, search, searchHits, logins };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function postern(): Promise<Timings> {
  const httpPort = await freePort();
  const imapsPort = await freePort();
  const env = createTestEnv({
    POSTERN_HTTP_PORT: String(httpPort),
    POSTERN_SMTP_PORT: String(await freePort()),
    POSTERN_SUBMISSION_PORT: String(await freePort()),
    POSTERN_SUBMISSIONS_PORT: String(await freePort()),
    POSTERN_IMAP_PORT: String(await freePort()),
    POSTERN_IMAPS_PORT: String(imapsPort),
    LOG_LEVEL: 'warn',
  });
  // The API's local mode makes the account and its password; then the MTA alone serves IMAP.
  const api = NodeProcess.start(join(DIST, 'apps/api/src/main.js'), [], childEnv(env.env));
  let mta: NodeProcess | undefined;
  try {
    const credentials = await api.until(
      () =>
        Promise.resolve(
          JSON.parse(readFileSync(join(env.config.dataDir, 'local-credentials.json'), 'utf8')) as { address: string; password: string },
        ),
      { what: 'local credentials', timeoutMs: 60_000 },
    );
    await api.until(async () => (await http(`http://127.0.0.1:${httpPort}`, 'GET', '/readyz')).status === 200, { what: 'API ready' });
    await api.stop();
    mta = NodeProcess.start(join(DIST, 'apps/mta/src/main.js'), [], childEnv(env.env));
    await mta.until(() => listening(imapsPort), { what: 'IMAP listening', timeoutMs: 60_000 });
    return await measure({ name: 'Postern', port: imapsPort, user: credentials.address, pass: credentials.password });
  } finally {
    await mta?.stop();
    await api.stop();
    await env.cleanup();
  }
}

async function dovecot(): Promise<Timings> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-bench-dovecot-'));
  // Dovecot's auth worker (user dovecot) reads the passwd file from here.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const tls = await selfSignedCertificate(['localhost']);
  writeFileSync(join(dir, 'cert.pem'), tls.cert);
  writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  const hash = execFileSync('doveadm', ['pw', '-s', 'ARGON2ID', '-p', 'bench password'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'passwd'), `bench:${hash}\n`, { mode: 0o644 });
  mkdirSync(join(dir, 'mail'));
  chownSync(join(dir, 'mail'), 65534, 65534);
  const config = join(dir, 'dovecot.conf');
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
auth_mechanisms = plain
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = ${port}
    ssl = yes
  }
}
`,
  );
  const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', config], { stdio: 'ignore' });
  try {
    await eventually(() => listening(port), { what: 'Dovecot listening', timeoutMs: 30_000 });
    return await measure({ name: 'Dovecot', port, user: 'bench', pass: 'bench password' });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const perSecond = (n: number, ms: number): string => String(Math.round((n / Math.max(ms, 1)) * 1000));

function print(name: string, t: Timings): void {
  console.log(
    `${name}: APPEND ${perSecond(N, t.append)}/s, FETCH (FLAGS ENVELOPE) ${t.fetchEnvelopes} ms, FETCH bodies ${t.fetchBodies} ms, ` +
      `SEARCH TEXT ${t.search} ms (${t.searchHits} hits), logins ${perSecond(LOGINS, t.logins)}/s`,
  );
}

async function main(): Promise<void> {
  console.log(`messages: ${N}, logins: ${LOGINS} over ${PARALLEL} parallel clients, client: imapflow over TLS`);
  const ours = ONLY === 'dovecot' ? null : await postern();
  if (ours) print('Postern', ours);
  const theirs = ONLY === 'postern' ? null : await dovecot();
  if (theirs) print('Dovecot', theirs);
  if (ours && theirs) {
    // Ratios as Postern's speed relative to Dovecot's (1.00 = as fast, above 1 = faster).
    console.log(
      `ratio Postern/Dovecot (speed): APPEND ${(theirs.append / ours.append).toFixed(2)}, FETCH envelopes ${(theirs.fetchEnvelopes / ours.fetchEnvelopes).toFixed(2)}, ` +
        `FETCH bodies ${(theirs.fetchBodies / ours.fetchBodies).toFixed(2)}, SEARCH ${(theirs.search / ours.search).toFixed(2)}, logins ${(theirs.logins / ours.logins).toFixed(2)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
