// Compares this module with Dovecot, the reference IMAP server: a throwaway Dovecot (config,
// passwd-file user and maildir in a temp dir, 127.0.0.1 on a free port) serves the bounce
// corpus, and its FETCH answers must equal ours. Needs Debian's dovecot-imapd and root
// (Dovecot switches to its own users); skipped otherwise.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from '@postern/testing';
import {
  binarySection,
  bodyStructure,
  envelope,
  matchesAddress,
  matchesBody,
  matchesHeader,
  matchesText,
  parseMessageStructure,
  resolvePart,
  section,
  sentDay,
} from './index';
import { imapText } from './imap-text.test-helper';

const DOVECOT = '/usr/sbin/dovecot';
const FIXTURES = join(__dirname, '../../../../../test/fixtures/bounces');

function userId(name: string): { uid: number; gid: number } | null {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', name]).toString()),
      gid: Number(execFileSync('id', ['-g', name]).toString()),
    };
  } catch {
    return null;
  }
}

const mailUser = userId('dovecot');
const skip = !existsSync(DOVECOT) || process.getuid?.() !== 0 || !mailUser || !userId('dovenull') ? 'needs dovecot-imapd and root' : false;

// Stored messages have CRLF line ends; the fixtures have LF.
const corpus = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((name) => ({ name, raw: Buffer.from(readFileSync(FIXTURES + '/' + name, 'latin1').replace(/\r?\n/g, '\r\n'), 'latin1') }));

function config(dir: string, port: number): string {
  return [
    'protocols = imap',
    'listen = 127.0.0.1',
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/run`,
    `log_path = ${dir}/dovecot.log`,
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain',
    `mail_location = maildir:${dir}/mail`,
    'passdb {',
    '  driver = passwd-file',
    `  args = ${dir}/passwd`,
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=dovecot gid=dovecot home=${dir}`,
    '}',
    'service imap-login {',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    '  chroot =',
    '}',
    'service anvil {',
    '  chroot =',
    '}',
    'first_valid_uid = 1',
    'default_login_user = dovenull',
    'default_internal_user = dovecot',
    '',
  ].join('\n');
}

/** A minimal IMAP client: sends one command, collects untagged responses with their literals. */
class RawImap {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private closed = false;
  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; unread: ${this.buffer.toString('latin1').slice(0, 300)}`);
    await new Promise<void>((resolve) => (this.waiting = resolve));
  }

  static async open(port: number): Promise<RawImap> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new RawImap(socket);
    await client.response(); // greeting
    return client;
  }

  /** One response (a line with its literals), as latin1 text. */
  private async response(): Promise<string> {
    let at = 0;
    for (;;) {
      const lf = this.buffer.indexOf(0x0a, at);
      if (lf === -1) {
        await this.more();
        continue;
      }
      const literal = /\{(\d+)\}\r\n$/.exec(this.buffer.toString('latin1', Math.max(at, lf - 20), lf + 1));
      if (literal) {
        const end = lf + 1 + Number(literal[1]);
        if (this.buffer.length < end) {
          await this.more();
          continue;
        }
        at = end;
        continue;
      }
      const line = this.buffer.toString('latin1', 0, lf + 1);
      this.buffer = this.buffer.subarray(lf + 1);
      return line;
    }
  }

  async command(text: string): Promise<string[]> {
    this.socket.write(`t ${text}\r\n`);
    const untagged: string[] = [];
    for (;;) {
      const line = await this.response();
      if (line.startsWith('t ')) {
        assert.match(line, /^t OK/, `${text}: ${line}`);
        return untagged;
      }
      untagged.push(line);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Dovecot's text with literals written as quoted strings, as `imapText` writes everything. */
function normalise(text: string, separateLists: boolean): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const literal = /^~?\{(\d+)\}\r\n/.exec(text.slice(i, i + 24));
    if ((text[i] === '{' || text[i] === '~') && literal) {
      const content = text.substr(i + literal[0].length, Number(literal[1]));
      out += `"${content.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
      i += literal[0].length + content.length;
    } else if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      // RFC 9051 9 writes adjacent bodies and addresses without SP; imapText separates them.
      out += separateLists && text[i] === ')' && text[i + 1] === '(' ? ') ' : text[i];
      i++;
    }
  }
  return out;
}

/** FETCH 1:* (item) from Dovecot: the value of the item per message, normalised. */
async function fetchAll(client: RawImap, item: string, label: string): Promise<string[]> {
  const lines = await client.command(`FETCH 1:* (${item})`);
  const values: string[] = [];
  for (const line of lines) {
    const m = /^\* (\d+) FETCH \(([\s\S]*)\)\r\n$/.exec(line);
    if (!m) continue;
    const body = m[2];
    const start = body.indexOf(`${label} `);
    assert.ok(start !== -1, `${label} missing in ${body.slice(0, 200)}`);
    values[Number(m[1]) - 1] = normalise(body.slice(start + label.length + 1), !label.includes('['));
  }
  return values;
}

describe('rendering compared with Dovecot on the bounce corpus', { skip }, () => {
  let dir = '';
  let dovecot: ChildProcess | null = null;
  let client: RawImap | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postern-dovecot-'));
    chmodSync(dir, 0o755);
    const cur = join(dir, 'mail/cur');
    mkdirSync(cur, { recursive: true });
    for (const sub of ['new', 'tmp']) mkdirSync(join(dir, 'mail', sub));
    corpus.forEach(({ raw }, i) => writeFileSync(join(cur, `${1_000_000 + i}.m${i}:2,S`), raw));
    execFileSync('chown', ['-R', `${mailUser!.uid}:${mailUser!.gid}`, join(dir, 'mail')]);
    chownSync(dir, mailUser!.uid, mailUser!.gid);
    writeFileSync(join(dir, 'passwd'), `u:{PLAIN}p::::${dir}::\n`);
    const port = await freePort();
    writeFileSync(join(dir, 'dovecot.conf'), config(dir, port));
    dovecot = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    client = await eventually(() => RawImap.open(port), { what: 'Dovecot to listen', timeoutMs: 15_000 });
    await client.command('LOGIN u p');
    await client.command('SELECT INBOX');
  });

  after(async () => {
    client?.close();
    if (dovecot && dovecot.exitCode === null) {
      const exited = new Promise((resolve) => dovecot!.once('exit', resolve));
      dovecot.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const trees = corpus.map(({ raw }) => parseMessageStructure(raw));
  const compare = (ours: string[], theirs: string[], what: string): void => {
    const differing = corpus.map(({ name }, i) => (ours[i] === theirs[i] ? null : name)).filter((n) => n !== null);
    const first = corpus.findIndex(({ name }) => name === differing[0]);
    assert.deepEqual(differing, [], first === -1 ? what : `${what}\n ours:    ${ours[first]}\n dovecot: ${theirs[first]}`);
  };

  it('answers BODYSTRUCTURE, BODY and ENVELOPE as Dovecot does for every message', async () => {
    compare(
      trees.map((t) => imapText(bodyStructure(t, true))),
      await fetchAll(client!, 'BODYSTRUCTURE', 'BODYSTRUCTURE'),
      'BODYSTRUCTURE',
    );
    compare(
      trees.map((t) => imapText(bodyStructure(t, false))),
      await fetchAll(client!, 'BODY', 'BODY'),
      'BODY',
    );
    compare(
      trees.map((t) => imapText(envelope(t))),
      await fetchAll(client!, 'ENVELOPE', 'ENVELOPE'),
      'ENVELOPE',
    );
  });

  it('answers BODY[section] with the same bytes as Dovecot', async () => {
    const sections = [
      'HEADER',
      'TEXT',
      '1',
      '1.MIME',
      '1.1',
      '2',
      '2.MIME',
      '2.1',
      '3',
      '3.MIME',
      '3.HEADER',
      '3.TEXT',
      '3.1',
      '3.1.MIME',
      '3.2',
      '3.1.2',
      'HEADER.FIELDS (FROM SUBJECT)',
      '3.HEADER.FIELDS.NOT (RECEIVED)',
    ];
    // Dovecot replaces NUL octets in what it sends; we give the stored bytes as they are.
    const withNul = new Set(corpus.filter(({ raw }) => raw.includes(0)).map(({ name }) => name));
    for (const spec of sections) {
      const theirs = await fetchAll(client!, `BODY.PEEK[${spec}]`, `BODY[${spec}]`);
      const ours = corpus.map(({ raw, name }, i) => (withNul.has(name) ? theirs[i] : imapText(section(raw, trees[i], spec))));
      compare(ours, theirs, `BODY[${spec}]`);
    }
  });

  it('decodes BINARY[part] of single parts as Dovecot does', async () => {
    for (const path of [[1], [2], [1, 1], [1, 2]]) {
      const label = `BINARY[${path.join('.')}]`;
      const theirs = await fetchAll(client!, `BINARY.PEEK[${path.join('.')}]`, label);
      // Dovecot also re-encodes multipart and message parts as binary; we give those unchanged.
      const ours = corpus.map(({ raw }, i) => {
        const node = resolvePart(trees[i], path);
        if (node && (node.contentType.type === 'multipart' || node.message)) return theirs[i];
        const value = binarySection(raw, trees[i], path);
        return typeof value === 'string' ? value : imapText(value);
      });
      compare(ours, theirs, label);
    }
  });

  it('finds the same messages as Dovecot for SEARCH BODY, TEXT, HEADER and address keys', async () => {
    const searches: [string, (raw: Buffer, i: number) => boolean][] = [
      ['BODY "mailbox"', (raw, i) => matchesBody(raw, trees[i], 'mailbox')],
      ['BODY "kijitora"', (raw, i) => matchesBody(raw, trees[i], 'kijitora')],
      ['BODY "user unknown"', (raw, i) => matchesBody(raw, trees[i], 'user unknown')],
      ['BODY "550"', (raw, i) => matchesBody(raw, trees[i], '550')],
      ['TEXT "kijitora"', (raw, i) => matchesText(raw, trees[i], 'kijitora')],
      ['TEXT "nyaan"', (raw, i) => matchesText(raw, trees[i], 'nyaan')],
      ['HEADER "Subject" "delivery"', (raw, i) => matchesHeader(raw, trees[i], 'Subject', 'delivery')],
      ['HEADER "X-Mailer" ""', (raw, i) => matchesHeader(raw, trees[i], 'X-Mailer', '')],
      ['FROM "mailer-daemon"', (_raw, i) => matchesAddress(trees[i], 'from', 'mailer-daemon')],
      ['TO "example.jp"', (_raw, i) => matchesAddress(trees[i], 'to', 'example.jp')],
    ];
    for (const [key, matches] of searches) {
      const lines = await client!.command(`SEARCH CHARSET UTF-8 ${key}`);
      const theirs = lines
        .filter((l) => l.startsWith('* SEARCH'))
        .flatMap((l) => l.trim().split(' ').slice(2))
        .map(Number);
      const ours = corpus.flatMap(({ raw }, i) => (matches(raw, i) ? [i + 1] : []));
      assert.deepEqual(ours, theirs, key);
      assert.ok(theirs.length > 0, `${key} finds something`);
    }
  });

  it('finds the same messages as Dovecot for SEARCH SENTON, day by day', async () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const byDay = new Map<string, number[]>();
    trees.forEach((tree, i) => {
      const day = sentDay(tree);
      if (day) byDay.set(day, [...(byDay.get(day) ?? []), i + 1]);
    });
    assert.ok(byDay.size > 100);
    for (const [day, ours] of byDay) {
      const [year, month, date] = day.split('-').map(Number);
      const lines = await client!.command(`SEARCH SENTON ${date}-${months[month - 1]}-${year}`);
      const theirs = lines
        .filter((l) => l.startsWith('* SEARCH'))
        .flatMap((l) => l.trim().split(' ').slice(2))
        .map(Number);
      assert.deepEqual(ours, theirs, day);
    }
  });
});
