import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throwaway Postfix instance (Debian's postfix package) with its own configuration and
 * queue under `dir`, relaying everything to `relayPort` on loopback. /etc/postfix is only
 * read (master.cf as the template), never changed.
 */
export function startPostfix(
  dir: string,
  smtpdPort: number,
  relayPort: number,
  concurrency: number,
  options: { holdInQueue?: boolean } = {},
): { stop(): void; queued(): number } {
  chmodSync(dir, 0o755); // Postfix daemons run as the postfix user and must reach the queue
  const conf = join(dir, 'conf');
  for (const d of [conf, join(dir, 'queue'), join(dir, 'data')]) mkdirSync(d, { recursive: true });
  chownSync(join(dir, 'data'), Number(execFileSync('id', ['-u', 'postfix']).toString().trim()), 0);
  writeFileSync(
    join(conf, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${dir}/queue`,
      `data_directory = ${dir}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'myhostname = bench.localdomain',
      'mydestination =',
      'mynetworks = 127.0.0.0/8',
      `relayhost = [127.0.0.1]:${relayPort}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject',
      'smtp_tls_security_level = none',
      `maillog_file = ${dir}/maillog`,
      `maillog_file_prefixes = ${dir}`,
      `default_destination_concurrency_limit = ${concurrency}`,
      `relay_destination_concurrency_limit = ${concurrency}`,
      // Receiving only: accepted mail stays in the (durable) queue instead of being relayed.
      ...(options.holdInQueue ? ['defer_transports = smtp, relay'] : []),
      'command_directory = /usr/sbin',
      'daemon_directory = /usr/lib/postfix/sbin',
      'meta_directory = /etc/postfix',
      'shlib_directory = /usr/lib/postfix',
      '',
    ].join('\n'),
  );
  const master = readFileSync('/etc/postfix/master.cf', 'utf8').replace(
    /^smtp\s+inet\s.*$/m,
    `127.0.0.1:${smtpdPort} inet n - n - - smtpd`,
  );
  writeFileSync(join(conf, 'master.cf'), master);
  execFileSync('postfix', ['-c', conf, 'start'], { stdio: 'ignore' });
  return {
    stop: () => execFileSync('postfix', ['-c', conf, 'stop'], { stdio: 'ignore' }),
    // Queue files in incoming, active and deferred: the messages Postfix has accepted and kept.
    queued: () =>
      Number(
        execFileSync('sh', ['-c', `find ${dir}/queue/incoming ${dir}/queue/active ${dir}/queue/deferred -type f | wc -l`])
          .toString()
          .trim(),
      ),
  };
}

/** Postfix's smtp-sink with running counters; `messages()` is how many it has received. */
export function startSmtpSink(port: number): { process: ChildProcess; messages(): number; stop(): void } {
  const child = spawn('/usr/sbin/smtp-sink', ['-u', 'nobody', '-c', `127.0.0.1:${port}`, '1024'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let count = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    const matches = [...chunk.toString('latin1').matchAll(/mesg=(\d+)/g)];
    if (matches.length > 0) count = Number(matches[matches.length - 1][1]);
  });
  return { process: child, messages: () => count, stop: () => void child.kill() };
}
