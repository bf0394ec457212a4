import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { NodeProcess, TestCertificate, childEnv, createTestEnv, freePort, runNode } from '@postern/testing';
import { greets } from './dovecot';
import { ImapConnection, ImapTarget } from './imap-client';
import { cpuOfPids, cpuOfTree } from './proc-cpu';

export interface CpuSnapshot {
  mta: number;
  postgres: Map<number, number>;
}

/**
 * Running CPU totals from successive snapshots: the MTA's own counter, and for PostgreSQL each
 * backend's growth since the previous snapshot (a backend that appeared counts from its start;
 * one that exited in between loses only its last interval), so the totals never go back.
 */
export function cpuAccumulator(): (now: CpuSnapshot) => { mta: number; postgres: number } {
  let first: number | null = null;
  let previous = new Map<number, number>();
  let postgres = 0;
  return (now) => {
    first ??= now.mta;
    for (const [pid, ms] of now.postgres) postgres += ms - (previous.get(pid) ?? 0);
    previous = now.postgres;
    return { mta: now.mta - first, postgres };
  };
}

export interface PosternImap {
  imapPort: number;
  imapsPort: number;
  /** The user name LOGIN accepted (the address, else the account name). */
  user: string;
  pass: string;
  /** CPU ms so far of the MTA process and of each PostgreSQL backend serving this database. */
  cpu(): Promise<CpuSnapshot>;
  /** What the MTA printed so far (LOG_LEVEL warn). */
  output(): string;
  stop(): Promise<void>;
}

const DIST = join(__dirname, '..');
const ACCOUNT = 'bench';
const ADDRESS = 'bench@bench.test';

/**
 * Postern as the benchmark runs it: a fresh database and Redis prefix (createTestEnv), an
 * account with a known password made through the CLI, and the MTA as its own process with
 * the IMAP listeners on free ports and the benchmark's certificate. Resolves to a reason
 * string instead when the MTA does not greet on its IMAP port (no IMAP server yet).
 */
export async function startPosternImap(options: { pass: string; tls: TestCertificate }): Promise<PosternImap | string> {
  const certDir = mkdtempSync(join(tmpdir(), 'postern-bench-imap-'));
  writeFileSync(join(certDir, 'cert.pem'), options.tls.cert);
  writeFileSync(join(certDir, 'key.pem'), options.tls.key, { mode: 0o600 });
  const imapPort = await freePort();
  const imapsPort = await freePort();
  const env = createTestEnv({
    POSTERN_IMAP_PORT: String(imapPort),
    POSTERN_IMAPS_PORT: String(imapsPort),
    POSTERN_SMTP_PORT: String(await freePort()),
    POSTERN_SUBMISSION_PORT: String(await freePort()),
    POSTERN_SUBMISSIONS_PORT: String(await freePort()),
    POSTERN_TLS_CERT: join(certDir, 'cert.pem'),
    POSTERN_TLS_KEY: join(certDir, 'key.pem'),
    LOG_LEVEL: 'warn',
  });
  let mta: NodeProcess | undefined;
  const db = new Client({ connectionString: env.config.databaseUrl });
  let dbConnected = false;
  const stop = async () => {
    if (dbConnected) await db.end().catch(() => undefined);
    await mta?.stop().catch(() => mta?.kill());
    await env.cleanup();
    rmSync(certDir, { recursive: true, force: true });
  };
  try {
    const cli = async (...args: string[]) => {
      const result = await runNode(join(DIST, 'apps/cli/src/main.js'), args, childEnv(env.env), 120_000);
      if (result.code !== 0) throw new Error(`postern ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
    };
    await cli('quickstart', ADDRESS);
    await cli('account', 'password', ACCOUNT, '--password', options.pass);
    mta = NodeProcess.start(join(DIST, 'apps/mta/src/main.js'), [], childEnv(env.env));
    const started = mta;
    const greeted = await started
      .until(async () => (await greets(imapPort)) || undefined, { what: 'the IMAP greeting', timeoutMs: 30_000 })
      .then(
        () => true,
        () => false,
      );
    if (!greeted) {
      const why = started.running
        ? `Postern's MTA runs but nothing greets on POSTERN_IMAP_PORT ${imapPort} after 30 s (no IMAP server on this branch yet?)`
        : `Postern's MTA exited:\n${started.output()}`;
      await stop();
      return why;
    }
    const user = await loginName({ host: '127.0.0.1', port: imapsPort, tls: 'implicit', user: ADDRESS, pass: options.pass });
    await db.connect();
    dbConnected = true;
    const dbName = new URL(env.config.databaseUrl).pathname.slice(1);
    return {
      imapPort,
      imapsPort,
      user,
      pass: options.pass,
      cpu: async () => {
        const backends = await db.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [dbName],
        );
        return { mta: cpuOfTree(started.child.pid!), postgres: new Map(backends.rows.map((r) => [r.pid, cpuOfPids([r.pid])])) };
      },
      output: () => started.output(),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Which user name Postern's LOGIN takes for the account: the address, else the account name. */
async function loginName(target: ImapTarget): Promise<string> {
  for (const user of [ADDRESS, ACCOUNT]) {
    const connection = await ImapConnection.open(target);
    try {
      const done = await connection.command(`LOGIN "${user}" "${target.pass}"`);
      if (done.status === 'OK') return user;
    } finally {
      connection.destroy();
    }
  }
  throw new Error(`Postern refused LOGIN as ${ADDRESS} and as ${ACCOUNT} with the password just set`);
}
