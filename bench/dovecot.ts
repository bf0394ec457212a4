import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, selfSignedCertificate } from '@postern/testing';

export interface Dovecot {
  version: string;
  /** The master process (it forks and reaps every other Dovecot process). */
  pid: number;
  /** STARTTLS port (LOGIN allowed before TLS too: loopback only). */
  imapPort: number;
  /** Implicit-TLS port, the same self-signed certificate as Postern gets. */
  imapsPort: number;
  /** The passwd-file entries (scheme prefix and hash), to show what LOGIN verifies. */
  entries: Record<string, string>;
  /** The log, for a failure message. */
  log(): string;
  stop(): Promise<void>;
}

export interface DovecotUser {
  user: string;
  pass: string;
  /** Password scheme of the passwd-file entry (PLAIN by default; ARGON2ID, SHA512-CRYPT, ... to price hashing). */
  scheme?: string;
}

export interface DovecotOptions {
  users: DovecotUser[];
  /** PEM certificate and key for both listeners. */
  tls?: { cert: string; key: string };
}

const uid = (name: string) => Number(execFileSync('id', ['-u', name]).toString().trim());
const gid = (name: string) => Number(execFileSync('id', ['-g', name]).toString().trim());

function passwordEntry(scheme: string, pass: string): string {
  if (scheme === 'PLAIN') return `{PLAIN}${pass}`;
  return execFileSync('doveadm', ['pw', '-s', scheme, '-p', pass]).toString().trim();
}

/**
 * A throwaway Dovecot (Debian's dovecot-imapd, 2.3 syntax) whose configuration, runtime,
 * state, log and mail all live in one temporary directory, listening only on 127.0.0.1.
 * Runs as root (Dovecot drops privileges: mail as `nobody`, login as `dovenull`); the
 * system's /etc/dovecot is not read.
 */
export async function startDovecot(options: DovecotOptions): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-bench-dovecot-'));
  // Login and auth processes run unprivileged and must reach base_dir's sockets.
  chmodSync(dir, 0o755);
  const mail = join(dir, 'mail');
  for (const d of [join(dir, 'run'), join(dir, 'state'), mail]) mkdirSync(d, { recursive: true, mode: 0o755 });
  chownSync(mail, uid('nobody'), gid('nobody'));
  const tls = options.tls ?? (await selfSignedCertificate(['localhost']));
  writeFileSync(join(dir, 'cert.pem'), tls.cert);
  writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  const entries = Object.fromEntries(options.users.map((u) => [u.user, passwordEntry(u.scheme ?? 'PLAIN', u.pass)]));
  writeFileSync(
    join(dir, 'passwd'),
    Object.entries(entries)
      .map(([user, entry]) => `${user}:${entry}::::::\n`)
      .join(''),
    { mode: 0o644 },
  );
  const imapPort = await freePort();
  const imapsPort = await freePort();
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `# Throwaway Dovecot for bench/imap.ts; everything under ${dir}.
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = postern-bench-${imapPort}
protocols = imap
listen = 127.0.0.1
log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
auth_mechanisms = plain
disable_plaintext_auth = no
mail_location = maildir:${mail}/%u
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 1
default_login_user = dovenull
default_internal_user = dovecot
# The login benchmark holds 10 sessions of one user from one address at once (default 10).
mail_max_userip_connections = 1000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${mail}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`,
  );
  const version = execFileSync('/usr/sbin/dovecot', ['--version']).toString().trim();
  const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const log = () => {
    let text = stderr;
    try {
      text += readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      // not written yet
    }
    return text;
  };
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(() => greets(imapPort), {
      timeoutMs: 15_000,
      what: 'the Dovecot greeting',
      failFast: () => (exited ? new Error('dovecot exited') : undefined),
      details: log,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { version, pid: child.pid!, imapPort, imapsPort, entries, log, stop };
}

/** True once something on `port` sends an IMAP greeting (RFC 9051 7.1.1 `* OK`). */
export function greets(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(/^\* (OK|PREAUTH)/.test(chunk.toString('latin1'))));
  });
}
