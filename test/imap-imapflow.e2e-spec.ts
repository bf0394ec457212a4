import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { eventually } from '@postern/testing';
import { ImapTestServer, sampleMessage, startImapTestServer } from './imap-helpers';

describe('IMAP with imapflow', { timeout: 60_000 }, () => {
  let server: ImapTestServer;
  let accountId: string;
  const clients: ImapFlow[] = [];

  async function client(options: { qresync?: boolean; secure?: boolean } = {}): Promise<ImapFlow> {
    const secure = options.secure ?? true;
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: secure ? server.imapsPort : server.imapPort,
      secure,
      tls: { rejectUnauthorized: false },
      auth: { user: 'flow', pass: 'flow password 123' },
      logger: false,
      qresync: options.qresync ?? false,
    });
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await startImapTestServer();
    accountId = await server.account('flow', 'flow password 123');
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });

  test('logs in over STARTTLS and lists the special-use mailboxes', async () => {
    const c = await client({ secure: false });
    assert.ok(c.capabilities.has('IMAP4rev2'));
    const list = await c.list();
    const byName = new Map(list.map((m) => [m.path, m]));
    for (const [name, use] of [
      ['INBOX', undefined],
      ['Sent', '\\Sent'],
      ['Drafts', '\\Drafts'],
      ['Trash', '\\Trash'],
      ['Archive', '\\Archive'],
      ['Junk', '\\Junk'],
    ] as const) {
      assert.ok(byName.has(name), name);
      if (use) assert.equal(byName.get(name)?.specialUse, use);
    }
    const status = await c.status('INBOX', { messages: true, uidNext: true, uidValidity: true, unseen: true, highestModseq: true });
    assert.ok(status);
    assert.equal(status.messages, 0);
    await c.logout();
  });

  test('append, select, fetch, search, store, move', async () => {
    const c = await client();
    const appended = await c.append('INBOX', sampleMessage('First message', 'The quick brown fox.\r\n'), ['\\Seen']);
    assert.ok(appended && typeof appended === 'object' && appended.uid === 1);
    await c.append('INBOX', sampleMessage('Second message', 'Jumps over the lazy dog.\r\n'));
    await c.append('INBOX', sampleMessage('Third message', 'Something else entirely.\r\n'), ['\\Flagged']);
    const lock = await c.getMailboxLock('INBOX');
    try {
      const mailbox = c.mailbox;
      assert.ok(mailbox && mailbox.exists === 3);
      const fetched = [];
      for await (const m of c.fetch('1:*', { uid: true, flags: true, envelope: true, size: true, internalDate: true, source: true }))
        fetched.push(m);
      assert.deepEqual(
        fetched.map((m) => m.envelope?.subject),
        ['First message', 'Second message', 'Third message'],
      );
      assert.equal(fetched[0].envelope?.from?.[0].address, 'alice@example.test');
      assert.ok(fetched[1].source?.toString().includes('lazy dog'));
      assert.ok(fetched[2].flags?.has('\\Flagged'));

      assert.deepEqual(await c.search({ body: 'lazy' }, { uid: true }), [2]);
      assert.deepEqual(await c.search({ seen: false }, { uid: true }), [2, 3]);
      assert.deepEqual(await c.search({ subject: 'third' }, { uid: true }), [3]);
      assert.deepEqual(await c.search({ or: [{ flagged: true }, { seen: true }] }, { uid: true }), [1, 3]);

      await c.messageFlagsAdd({ uid: '2' }, ['\\Answered', '$Important'], { uid: true });
      const two = await c.fetchOne('2', { flags: true }, { uid: true });
      assert.ok(two && two.flags?.has('\\Answered') && two.flags.has('$Important'));
      assert.deepEqual(await c.search({ keyword: '$Important' }, { uid: true }), [2]);

      const moved = await c.messageMove('1', 'Archive', { uid: true });
      assert.ok(moved && moved.uidMap?.get(1) === 1);
      assert.equal(c.mailbox && c.mailbox.exists, 2);
    } finally {
      lock.release();
    }
    const archive = await c.status('Archive', { messages: true });
    assert.ok(archive);
    assert.equal(archive.messages, 1);
    await c.logout();
  });

  test('IDLE hears of a message delivered to the mailbox', async () => {
    const c = await client();
    await c.mailboxCreate('Watched');
    const lock = await c.getMailboxLock('Watched');
    try {
      const seen: number[] = [];
      c.on('exists', (data: { count: number }) => seen.push(data.count));
      void c.idle();
      const mailbox = await server.store.getMailbox(accountId, 'Watched');
      await server.store.append(accountId, mailbox!.id, [{ raw: sampleMessage('Pushed') }]);
      await eventually(() => Promise.resolve(seen.includes(1)), { timeoutMs: 5000, what: 'EXISTS during IDLE' });
    } finally {
      lock.release();
    }
  });

  test('CONDSTORE and QRESYNC resync after changes made elsewhere', async () => {
    const first = await client({ qresync: true });
    await first.mailboxCreate('Sync');
    const mailbox = await server.store.getMailbox(accountId, 'Sync');
    await server.store.append(accountId, mailbox!.id, [
      { raw: sampleMessage('s1') },
      { raw: sampleMessage('s2') },
      { raw: sampleMessage('s3') },
    ]);
    const opened = await first.mailboxOpen('Sync');
    const modseq = opened.highestModseq;
    assert.ok(typeof modseq === 'bigint' && modseq > 0n);
    const uidValidity = opened.uidValidity;
    await first.logout();

    // Someone else flags one and expunges another.
    await server.store.storeFlags({ accountId, mailboxId: mailbox!.id, uids: [1], operation: 'add', flags: ['\\Seen'] });
    await server.store.remove({ accountId, mailboxId: mailbox!.id, uids: [3] });

    const second = await client({ qresync: true });
    const vanished: number[] = [];
    second.on('expunge', (data: { uid?: number; vanished?: boolean }) => {
      if (data.uid) vanished.push(data.uid);
    });
    const changedFlags: number[] = [];
    second.on('flags', (data: { uid?: number }) => {
      if (data.uid) changedFlags.push(data.uid);
    });
    // imapflow sends SELECT ... (QRESYNC (uidvalidity modseq)) when given what it last knew.
    // (The options exist in imapflow's select command but not in its type definitions.)
    const qresync = { readOnly: true, changedSince: modseq, uidValidity } as Parameters<ImapFlow['mailboxOpen']>[1];
    const reopened = await second.mailboxOpen('Sync', qresync);
    assert.equal(reopened.uidValidity, uidValidity);
    assert.equal(reopened.exists, 2);
    await eventually(() => Promise.resolve(vanished.includes(3) && changedFlags.includes(1)), {
      timeoutMs: 5000,
      what: `VANISHED (EARLIER) 3 and FETCH for uid 1 (got ${vanished.join(',')} / ${changedFlags.join(',')})`,
    });
    assert.deepEqual(changedFlags, [1]);
    const changed = [];
    for await (const m of second.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: modseq })) changed.push(m.uid);
    assert.deepEqual(changed, [1]);
    await second.logout();
  });
});
