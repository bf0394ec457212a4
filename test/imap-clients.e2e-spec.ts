import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImapTestServer, sampleMessage, startImapTestServer } from './imap-helpers';

/** Runs a program without blocking the event loop (the server under test runs in this process). */
function run(command: string, args: string[], timeoutMs = 30_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Clients nobody here wrote: Python's imaplib (Debian's /usr/bin/python3) and mbsync (isync). */
describe('IMAP with imaplib and mbsync', { timeout: 90_000 }, () => {
  let server: ImapTestServer;
  let accountId: string;
  let dir: string;

  before(async () => {
    server = await startImapTestServer();
    accountId = await server.account('carol', 'carol secret pw');
    dir = mkdtempSync(join(tmpdir(), 'postern-imap-clients-'));
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("Python's imaplib: STARTTLS, login, append, select, search, fetch, store, expunge", async () => {
    const script = `
import imaplib, ssl, sys, json
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
m.starttls(ssl_context=ctx)
m.login('carol', 'carol secret pw')
out = {}
m.append('INBOX', '(\\\\Flagged)', None, b'From: py@example.test\\r\\nSubject: From Python\\r\\n\\r\\nHello from imaplib\\r\\n')
typ, data = m.select('INBOX')
out['exists'] = int(data[0])
typ, data = m.search(None, 'BODY', 'imaplib')
out['search'] = data[0].decode()
typ, data = m.uid('FETCH', '1', '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
out['fetch'] = data[0][1].decode()
out['flags'] = data[0][0].decode()
m.store('1', '+FLAGS', '\\\\Deleted')
typ, data = m.expunge()
out['expunged'] = [d.decode() for d in data if d]
typ, data = m.list()
out['list'] = [d.decode() for d in data]
m.logout()
print(json.dumps(out))
`;
    const result = await run('/usr/bin/python3', ['-c', script, String(server.imapPort)]);
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as {
      exists: number;
      search: string;
      fetch: string;
      flags: string;
      expunged: string[];
      list: string[];
    };
    assert.equal(out.exists, 1);
    assert.equal(out.search, '1');
    assert.equal(out.fetch, 'Subject: From Python\r\n\r\n');
    assert.match(out.flags, /FLAGS \(\\Flagged\)/);
    assert.deepEqual(out.expunged, ['1']);
    assert.ok(
      out.list.some((l) => l === '(\\HasNoChildren \\Sent) "/" Sent'),
      out.list.join('\n'),
    );
  });

  test('mbsync syncs a mailbox both ways, then again with no changes', async () => {
    const inbox = (await server.store.getMailbox(accountId, 'INBOX'))!;
    await server.store.append(accountId, inbox.id, [
      { raw: sampleMessage('Server one') },
      { raw: sampleMessage('Server two'), flags: ['\\Seen'] },
    ]);
    const maildir = join(dir, 'mail');
    mkdirSync(maildir, { recursive: true });
    const config = join(dir, 'mbsyncrc');
    writeFileSync(
      config,
      [
        'IMAPAccount postern',
        'Host localhost',
        `Port ${server.imapsPort}`,
        'User carol',
        'Pass "carol secret pw"',
        'SSLType IMAPS',
        `CertificateFile ${server.env.config.dataDir}/tls/${server.env.config.hostname}.crt`,
        'AuthMechs LOGIN',
        '',
        'IMAPStore remote',
        'Account postern',
        '',
        'MaildirStore local',
        `Path ${maildir}/`,
        `Inbox ${maildir}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel sync',
        'Far :remote:',
        'Near :local:',
        'Patterns INBOX',
        'Create Both',
        'Expunge Both',
        'SyncState *',
        'Sync All',
        '',
      ].join('\n'),
    );
    const sync = () => run('mbsync', ['-c', config, '-V', 'sync']);
    const files = (sub: string) => readdirSync(join(maildir, 'INBOX', sub));

    let result = await sync();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const pulled = [...files('cur'), ...files('new')];
    assert.equal(pulled.length, 2, pulled.join(','));
    assert.ok(
      files('cur').some((f) => /:2,S$/.test(f)),
      'the seen message is marked S',
    );

    // A message written locally goes up, with its flag.
    writeFileSync(join(maildir, 'INBOX', 'cur', `${Date.now()}.local.1:2,F`), sampleMessage('From the maildir'));
    result = await sync();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const messages = await server.store.listMessages(inbox.id);
    assert.equal(messages.length, 3);
    const up = messages.find((m) => m.subject === 'From the maildir');
    assert.ok(up && up.flags.includes('\\Flagged'), messages.map((m) => `${m.subject} ${m.flags.join(' ')}`).join('; '));

    // A flag set on the server reaches the maildir.
    const one = messages.find((m) => m.subject === 'Server one')!;
    await server.store.storeFlags({ accountId, mailboxId: inbox.id, uids: [one.uid], operation: 'add', flags: ['\\Flagged'] });
    result = await sync();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.ok(
      files('cur').some((f) => /:2,F/.test(f) && !f.includes('.local.')),
      files('cur').join(','),
    );

    // Nothing changed: nothing moves either way.
    const before = (await server.store.getMailbox(accountId, 'INBOX'))!.highestModseq;
    const localBefore = [...files('cur'), ...files('new')].sort();
    result = await sync();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.equal((await server.store.getMailbox(accountId, 'INBOX'))!.highestModseq, before, 'nothing changed on the server');
    assert.deepEqual([...files('cur'), ...files('new')].sort(), localBefore, 'nothing changed in the maildir');
  });
});
