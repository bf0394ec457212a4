/**
 * IMAP server throughput: Postern against Dovecot (Debian's dovecot-imapd, a throwaway
 * instance) in the same run, with the same client (bench/imap-client.ts) and the same
 * messages (bench/imap-messages.ts), both over implicit TLS with the same certificate.
 *
 *   npm run build && node_modules/.bin/node dist/bench/imap.js [--messages 10000]
 *     [--clients 10] [--logins 500] [--login-seconds 30] [--searches 5]
 *     [--tls implicit|starttls] [--only dovecot|postern] [--dovecot-hashed ARGON2ID]
 *
 * Runs as root (Dovecot drops privileges).
 */
import { selfSignedCertificate } from '@postern/testing';
import { startDovecot } from './dovecot';
import { ImapConnection, ImapError, ImapTarget, quote } from './imap-client';
import { BenchMessage, SEARCH_WORD, generateMessage } from './imap-messages';
import { cpuOfTree } from './proc-cpu';
import { cpuAccumulator, startPosternImap } from './postern-imap';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const N = Number(args.get('--messages') ?? 10_000);
const CLIENTS = Number(args.get('--clients') ?? 10);
const LOGINS = Number(args.get('--logins') ?? 500);
/** A login phase also stops starting logins after this long (slow password hashes). */
const LOGIN_SECONDS = Number(args.get('--login-seconds') ?? 30);
const SEARCHES = Number(args.get('--searches') ?? 5);
const TLS = (args.get('--tls') ?? 'implicit') as ImapTarget['tls'];
const ONLY = args.get('--only');
/** Dovecot's second login run verifies this hash scheme (Postern always verifies scrypt, ln=15). */
const HASHED = args.get('--dovecot-hashed') ?? 'ARGON2ID';
/** Fewer: Dovecot 2.3 verifies in its one auth process, a few per second with ARGON2ID. */
const HASHED_LOGINS = Math.min(LOGINS, 100);
const PASS = 'bench-Secret-42';

type PhaseName = 'append' | 'envelope' | 'bodies' | 'search' | 'logins' | 'loginsHashed';

interface Phase {
  /** Operations done (messages, searches, logins) and the wall time they took. */
  count: number;
  ms: number;
  /** CPU the benchmark client itself used meanwhile, and the server's processes. */
  clientCpuMs: number;
  serverCpu: Record<string, number>;
}

type Results = Record<PhaseName, Phase>;

/** Samples server CPU (ms per named process group) so each phase can report it. */
type ServerCpu = () => Promise<Record<string, number>>;

const PHASES: Record<PhaseName, { label: string; unit: string }> = {
  append: { label: 'APPEND, sequential, 1 connection', unit: 'msg/s' },
  envelope: { label: 'FETCH 1:* (FLAGS ENVELOPE)', unit: 'msg/s' },
  bodies: { label: 'FETCH 1:* BODY.PEEK[]', unit: 'msg/s' },
  search: { label: `SEARCH TEXT "${SEARCH_WORD}"`, unit: 'search/s' },
  logins: { label: `LOGIN+LOGOUT, ${CLIENTS} clients, Dovecot {PLAIN}`, unit: 'login/s' },
  loginsHashed: { label: `LOGIN+LOGOUT, ${CLIENTS} clients, Dovecot {${HASHED}}`, unit: 'login/s' },
};

async function timed(serverCpu: ServerCpu, count: () => number, work: () => Promise<void>): Promise<Phase> {
  const cpuBefore = process.cpuUsage();
  const serverBefore = await serverCpu();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const serverAfter = await serverCpu();
  const cpu = process.cpuUsage(cpuBefore);
  const serverDelta = Object.fromEntries(Object.entries(serverAfter).map(([k, v]) => [k, v - (serverBefore[k] ?? 0)]));
  return { count: count(), ms, clientCpuMs: (cpu.user + cpu.system) / 1000, serverCpu: serverDelta };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new ImapError(`check failed: ${what}`);
}

/**
 * The workload, identical for every server: APPEND every message (one connection, one
 * command at a time, synchronizing literals), SELECT, FETCH envelopes, FETCH full bodies,
 * SEARCH TEXT repeated, then `CLIENTS` parallel connections each doing TLS + LOGIN + LOGOUT
 * until `LOGINS` logins are done or `LOGIN_SECONDS` pass. Each phase checks the answers
 * (counts, bytes, matches).
 */
async function workload(target: ImapTarget, messages: BenchMessage[], serverCpu: ServerCpu): Promise<Results> {
  const expectedBytes = messages.reduce((sum, m) => sum + m.raw.length, 0);
  const expectedMatches = messages.filter((m) => m.hasWord).length;
  const connection = await ImapConnection.login(target);
  const append = await timed(
    serverCpu,
    () => messages.length,
    async () => {
      for (const m of messages) {
        await connection.ok(`APPEND INBOX (${m.flags.join(' ')}) "${m.internalDate}" {${m.raw.length}}`, { literal: m.raw });
      }
    },
  );
  let exists = -1;
  await connection.ok('SELECT INBOX', {
    onUntagged: (r) => {
      const match = /^\* (\d+) EXISTS/i.exec(r.text);
      if (match) exists = Number(match[1]);
    },
  });
  check(exists === messages.length, `SELECT shows ${exists} messages, ${messages.length} appended`);

  let envelopes = 0;
  const envelope = await timed(
    serverCpu,
    () => envelopes,
    async () => {
      await connection.ok('FETCH 1:* (FLAGS ENVELOPE)', {
        onUntagged: (r) => {
          if (/^\* \d+ FETCH .*ENVELOPE \(/i.test(r.text)) envelopes++;
        },
      });
    },
  );
  check(envelopes === messages.length, `FETCH ENVELOPE returned ${envelopes} of ${messages.length}`);

  let bodies = 0;
  let bytes = 0;
  const body = await timed(
    serverCpu,
    () => bodies,
    async () => {
      await connection.ok('FETCH 1:* BODY.PEEK[]', {
        onUntagged: (r) => {
          if (!/^\* \d+ FETCH /i.test(r.text)) return;
          bodies++;
          for (const literal of r.literals) bytes += literal.length;
        },
      });
    },
  );
  check(bodies === messages.length, `FETCH BODY[] returned ${bodies} of ${messages.length}`);
  check(bytes === expectedBytes, `FETCH BODY[] returned ${bytes} bytes, ${expectedBytes} appended`);

  const counts: number[] = [];
  const search = await timed(
    serverCpu,
    () => counts.length,
    async () => {
      for (let i = 0; i < SEARCHES; i++) {
        let found = 0;
        await connection.ok(`SEARCH TEXT ${quote(SEARCH_WORD)}`, {
          onUntagged: (r) => {
            if (/^\* SEARCH/i.test(r.text)) found += r.text.split(' ').length - 2;
          },
        });
        counts.push(found);
      }
    },
  );
  check(
    counts.every((c) => c === expectedMatches),
    `SEARCH TEXT found ${counts.join(', ')}; ${expectedMatches} messages contain the word`,
  );
  await connection.logout();
  const logins = await loginPhase(target, serverCpu);
  return { append, envelope, bodies: body, search, logins, loginsHashed: logins };
}

/**
 * `CLIENTS` connections at once, each a new TCP + TLS connection, LOGIN and LOGOUT, until
 * `total` are done or `LOGIN_SECONDS` have passed (the logins under way then still count).
 */
function loginPhase(target: ImapTarget, serverCpu: ServerCpu, total = LOGINS): Promise<Phase> {
  let started = 0;
  let done = 0;
  const deadline = performance.now() + LOGIN_SECONDS * 1000;
  return timed(
    serverCpu,
    () => done,
    async () => {
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (started < total && performance.now() < deadline) {
            started++;
            const session = await ImapConnection.login(target);
            await session.logout();
            done++;
          }
        }),
      );
    },
  );
}

const rate = (p: Phase) => (p.count / p.ms) * 1000;
const fmt = (n: number) => (n >= 100 ? Math.round(n).toString() : n.toFixed(n >= 10 ? 1 : 2));
const pct = (ms: number, p: Phase) => `${Math.round((ms / p.ms) * 100)}%`;

function printResults(name: string, r: Results): void {
  console.log(`\n${name}`);
  for (const key of Object.keys(PHASES) as PhaseName[]) {
    const p = r[key];
    if (key === 'loginsHashed' && p === r.logins) continue;
    const server = Object.entries(p.serverCpu)
      .map(([k, v]) => `${k} ${pct(v, p)}`)
      .join(', ');
    console.log(
      `  ${PHASES[key].label.padEnd(44)} ${fmt(rate(p)).padStart(7)} ${PHASES[key].unit.padEnd(8)} ` +
        `${Math.round(p.ms)} ms; CPU: client ${pct(p.clientCpuMs, p)}, ${server}`,
    );
  }
}

function printTable(postern: Results | null, dovecot: Results | null): void {
  console.log('\n| phase | Postern | Dovecot | Postern / Dovecot |');
  console.log('| --- | --- | --- | --- |');
  for (const key of Object.keys(PHASES) as PhaseName[]) {
    const ours = postern ? `${fmt(rate(postern[key]))} ${PHASES[key].unit}` : '—';
    const theirs = dovecot ? `${fmt(rate(dovecot[key]))} ${PHASES[key].unit}` : '—';
    const ratio = postern && dovecot ? (rate(postern[key]) / rate(dovecot[key])).toFixed(2) : '—';
    console.log(`| ${PHASES[key].label} | ${ours} | ${theirs} | ${ratio} |`);
  }
}

async function runDovecot(messages: BenchMessage[], tls: { cert: string; key: string }): Promise<Results> {
  const dovecot = await startDovecot({
    users: [
      { user: 'bench', pass: PASS },
      { user: 'hashed', pass: PASS, scheme: HASHED },
    ],
    tls,
  });
  try {
    console.log(
      `Dovecot ${dovecot.version}, ports ${dovecot.imapPort}/${dovecot.imapsPort}, hashed user ${dovecot.entries.hashed.replace(/\$[^$]*\$[^$]*$/, '$…')}`,
    );
    const target: ImapTarget = {
      host: '127.0.0.1',
      port: TLS === 'implicit' ? dovecot.imapsPort : dovecot.imapPort,
      tls: TLS,
      user: 'bench',
      pass: PASS,
    };
    const cpu = () => Promise.resolve({ dovecot: cpuOfTree(dovecot.pid) });
    const results = await workload(target, messages, cpu);
    return { ...results, loginsHashed: await loginPhase({ ...target, user: 'hashed' }, cpu, HASHED_LOGINS) };
  } catch (err) {
    console.error(dovecot.log().split('\n').slice(-20).join('\n'));
    throw err;
  } finally {
    await dovecot.stop();
  }
}

async function runPostern(messages: BenchMessage[], tls: { cert: string; key: string }): Promise<Results | null> {
  const postern = await startPosternImap({ pass: PASS, tls });
  if (typeof postern === 'string') {
    console.log(`Postern skipped: ${postern}`);
    return null;
  }
  try {
    console.log(
      `Postern (MTA process, scrypt ln=15 password hashes), LOGIN as ${postern.user}, ports ${postern.imapPort}/${postern.imapsPort}`,
    );
    const target: ImapTarget = {
      host: '127.0.0.1',
      port: TLS === 'implicit' ? postern.imapsPort : postern.imapPort,
      tls: TLS,
      user: postern.user,
      pass: PASS,
    };
    const totals = cpuAccumulator();
    const cpu = async () => totals(await postern.cpu());
    const results = await workload(target, messages, cpu);
    if (ImapConnection.logoutsWithoutOk > 0) {
      console.log(
        `note: Postern closed ${ImapConnection.logoutsWithoutOk} connections after BYE without LOGOUT's tagged OK (RFC 9051 6.1.3)`,
      );
    }
    return results;
  } catch (err) {
    console.error(postern.output().split('\n').slice(-30).join('\n'));
    throw err;
  } finally {
    await postern.stop();
  }
}

async function main(): Promise<void> {
  const generated = performance.now();
  const messages = Array.from({ length: N }, (_, i) => generateMessage(i + 1));
  const bytes = messages.reduce((sum, m) => sum + m.raw.length, 0);
  console.log(
    `messages: ${N} (${(bytes / 1e6).toFixed(1)} MB, mean ${Math.round(bytes / N)} bytes, generated in ${Math.round(performance.now() - generated)} ms), ` +
      `${messages.filter((m) => m.hasWord).length} contain "${SEARCH_WORD}"; TLS ${TLS}; ${CLIENTS} login clients, ${LOGINS} logins or ${LOGIN_SECONDS} s, ${SEARCHES} searches`,
  );
  const tls = await selfSignedCertificate(['localhost']);
  const dovecot = ONLY === 'postern' ? null : await runDovecot(messages, tls);
  if (dovecot) printResults('Dovecot', dovecot);
  let postern: Results | null = null;
  if (ONLY !== 'dovecot') {
    try {
      postern = await runPostern(messages, tls);
    } catch (err) {
      console.error('Postern failed:', err);
    }
    if (postern) printResults('Postern', postern);
  }
  printTable(postern, dovecot);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
