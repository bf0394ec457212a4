import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { createDataSource, prepareDatabase, uuidv7 } from '@postern/db';
import { DomainError, ErrorCode } from '@postern/errors';
import { createRedis } from '@postern/queue';
import { TestEnv, createTestEnv, eventually } from '@postern/testing';
import { MailStore } from './mail-store';
import { MailboxNotifier } from './notifier';
import type { MailboxChangeNotice } from './types';

let env: TestEnv;
let db: DataSource;
let notifier: MailboxNotifier;
let store: MailStore;

const message = (subject: string, body = 'Hello there') =>
  Buffer.from(
    `From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.com>\r\n\r\n${body}\r\n`,
  );

async function newAccount(quotaBytes = 0): Promise<string> {
  const id = uuidv7();
  await db.query(`INSERT INTO accounts (id, name, quota_bytes) VALUES ($1, $2, $3)`, [id, `acct-${id}`, quotaBytes]);
  return id;
}

before(async () => {
  env = createTestEnv();
  await prepareDatabase({ databaseUrl: env.config.databaseUrl, createIfMissing: true, logger: env.context.logger });
  db = createDataSource(env.config.databaseUrl);
  await db.initialize();
  const connect = () => createRedis(env.config.redisUrl);
  notifier = new MailboxNotifier(connect(), env.config.redisPrefix, connect);
  store = new MailStore(db, notifier);
});

after(async () => {
  notifier.close();
  await db.destroy();
  await env.cleanup();
});

describe('MailStore', () => {
  it('gives every account INBOX and the special-use mailboxes, once', async () => {
    const account = await newAccount();
    const first = await store.listMailboxes(account);
    const again = await store.listMailboxes(account);
    assert.deepEqual(first.map((m) => [m.name, m.specialUse]).sort(), [
      ['Archive', '\\Archive'],
      ['Drafts', '\\Drafts'],
      ['INBOX', null],
      ['Junk', '\\Junk'],
      ['Sent', '\\Sent'],
      ['Trash', '\\Trash'],
    ]);
    assert.deepEqual(
      again.map((m) => m.id),
      first.map((m) => m.id),
    );
    assert.equal((await store.getMailbox(account, 'inbox'))?.name, 'INBOX');
    assert.equal(new Set(first.map((m) => m.uidValidity)).size, first.length, 'UIDVALIDITY differs per mailbox');
  });

  it('appends with consecutive UIDs, one modseq, exact counters and the bytes intact', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    const raws = [message('one'), message('two'), message('three')];
    const { uidValidity, messages } = await store.append(account, inbox.id, [
      { raw: raws[0] },
      { raw: raws[1], flags: ['\\seen', '$Important'] },
      { raw: raws[2], internalDate: new Date('2020-01-02T03:04:05Z') },
    ]);
    assert.equal(uidValidity, inbox.uidValidity);
    assert.deepEqual(
      messages.map((m) => m.uid),
      [1, 2, 3],
    );
    assert.equal(new Set(messages.map((m) => m.modseq)).size, 1);
    assert.deepEqual(messages[1].flags, ['\\Seen', '$Important']);
    assert.equal(messages[2].internalDate.toISOString(), '2020-01-02T03:04:05.000Z');
    assert.equal(messages[0].subject, 'one');
    assert.equal(messages[0].from, 'ann@example.com');
    assert.ok((await store.readRaw(messages[2])).equals(raws[2]));
    const after = (await store.getMailboxById(account, inbox.id))!;
    assert.equal(after.total, 3);
    assert.equal(after.unseen, 2);
    assert.equal(after.uidNext, 4);
    assert.equal(
      after.size,
      raws.reduce((s, r) => s + r.length, 0),
    );
    assert.deepEqual(after.keywords, ['$Important']);
    assert.ok(after.highestModseq > inbox.highestModseq);
  });

  it('commits rows written within the append with the messages, or neither', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    await db.query(`CREATE TABLE IF NOT EXISTS append_side_rows (message_id uuid)`);
    await assert.rejects(
      store.append(account, inbox.id, [{ raw: message('rolled back') }], {
        withinTransaction: async (tx, [stored]) => {
          await tx.query(`INSERT INTO append_side_rows VALUES ($1)`, [stored.id]);
          throw new Error('side row failed');
        },
      }),
      /side row failed/,
    );
    assert.equal((await store.listMessages(inbox.id)).length, 0);
    assert.equal((await store.getMailboxById(account, inbox.id))!.total, 0);
    const { messages } = await store.append(account, inbox.id, [{ raw: message('kept') }], {
      withinTransaction: async (tx, [stored]) => {
        await tx.query(`INSERT INTO append_side_rows VALUES ($1)`, [stored.id]);
      },
    });
    const side: { message_id: string }[] = await db.query(`SELECT message_id FROM append_side_rows`);
    assert.deepEqual(
      side.map((r) => r.message_id),
      [messages[0].id],
    );
  });

  it('stores flags with UNCHANGEDSINCE, bumping modseq only for messages that change', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    const { messages } = await store.append(account, inbox.id, [{ raw: message('a') }, { raw: message('b') }]);
    const first = await store.storeFlags({ accountId: account, mailboxId: inbox.id, uids: [1, 2], operation: 'add', flags: ['\\Seen'] });
    assert.deepEqual(
      first.updated.map((m) => m.uid),
      [1, 2],
    );
    const noop = await store.storeFlags({ accountId: account, mailboxId: inbox.id, uids: [1], operation: 'add', flags: ['\\SEEN'] });
    assert.deepEqual(noop.updated, []);
    const guarded = await store.storeFlags({
      accountId: account,
      mailboxId: inbox.id,
      uids: [1, 2],
      operation: 'add',
      flags: ['\\Flagged'],
      unchangedSince: messages[0].modseq,
    });
    assert.deepEqual(guarded.modifiedSinceFailed, [1, 2], 'both changed after the append');
    assert.deepEqual(guarded.updated, []);
    const removed = await store.storeFlags({ accountId: account, mailboxId: inbox.id, uids: [2], operation: 'remove', flags: ['\\Seen'] });
    assert.equal(removed.updated[0].uid, 2);
    assert.equal((await store.getMailboxById(account, inbox.id))!.unseen, 1);
  });

  it('expunges only \\Deleted messages and leaves tombstones for VANISHED', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    await store.append(account, inbox.id, [{ raw: message('x') }, { raw: message('y') }, { raw: message('z') }]);
    const before = (await store.getMailboxById(account, inbox.id))!.highestModseq;
    await store.storeFlags({ accountId: account, mailboxId: inbox.id, uids: [1, 3], operation: 'add', flags: ['\\Deleted'] });
    const limited = await store.expunge({ accountId: account, mailboxId: inbox.id, uids: [3] });
    assert.deepEqual(limited.expunged, [3]);
    const rest = await store.expunge({ accountId: account, mailboxId: inbox.id });
    assert.deepEqual(rest.expunged, [1]);
    const changes = await store.changesSince(inbox.id, before);
    assert.deepEqual(changes.expunged, [1, 3]);
    assert.deepEqual(
      (await store.listMessages(inbox.id)).map((m) => m.uid),
      [2],
    );
    const mailbox = (await store.getMailboxById(account, inbox.id))!;
    assert.equal(mailbox.total, 1);
    assert.equal(mailbox.unseen, 1);
    const [{ n }]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM message_blobs b WHERE NOT EXISTS (SELECT 1 FROM mailbox_messages m WHERE m.blob_id = b.id)
         AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.blob_id = b.id)`,
    );
    assert.equal(n, 0, 'no orphaned blobs');
  });

  it('copies and moves with COPYUID pairs, sharing the bytes', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    const archive = (await store.getMailbox(account, 'Archive'))!;
    await store.append(account, inbox.id, [{ raw: message('m1') }, { raw: message('m2'), flags: ['\\Seen'] }, { raw: message('m3') }]);
    const copied = await store.copy({ accountId: account, fromMailboxId: inbox.id, uids: [2, 3], toMailboxId: archive.id });
    assert.equal(copied.uidValidity, archive.uidValidity);
    assert.deepEqual(copied.pairs, [
      [2, 1],
      [3, 2],
    ]);
    const moved = await store.move({ accountId: account, fromMailboxId: inbox.id, uids: [1, 3], toMailboxId: archive.id });
    assert.deepEqual(moved.pairs, [
      [1, 3],
      [3, 4],
    ]);
    assert.deepEqual(moved.expunged, [1, 3]);
    const archived = await store.listMessages(archive.id);
    assert.deepEqual(
      archived.map((m) => [m.uid, m.subject, m.flags]),
      [
        [1, 'm2', ['\\Seen']],
        [2, 'm3', []],
        [3, 'm1', []],
        [4, 'm3', []],
      ],
    );
    assert.ok((await store.readRaw(archived[3])).equals(message('m3')));
    const a = (await store.getMailboxById(account, archive.id))!;
    const i = (await store.getMailboxById(account, inbox.id))!;
    assert.deepEqual([a.total, a.unseen, i.total, i.unseen], [4, 3, 1, 0]);
  });

  it('refuses appends over the quota and keeps what was stored', async () => {
    const account = await newAccount(200);
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    await store.append(account, inbox.id, [{ raw: message('fits') }]);
    await assert.rejects(
      store.append(account, inbox.id, [{ raw: message('too much', 'x'.repeat(200)) }]),
      (err: unknown) => err instanceof DomainError && err.code === ErrorCode.QuotaExceeded,
    );
    assert.equal((await store.listMessages(inbox.id)).length, 1);
    const quota = await store.quota(account);
    assert.equal(quota.limitBytes, 200);
    assert.equal(quota.messages, 1);
  });

  it('keeps counters exact under concurrent appends and flag changes', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(account, inbox.id, [{ raw: message(`c${i}`) }])));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.storeFlags({ accountId: account, mailboxId: inbox.id, uids: [i + 1], operation: 'add', flags: ['\\Seen'] }),
      ),
    );
    const mailbox = (await store.getMailboxById(account, inbox.id))!;
    const uids = (await store.listMessages(inbox.id)).map((m) => m.uid);
    assert.deepEqual(
      uids,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(mailbox.total, 20);
    assert.equal(mailbox.unseen, 10);
    assert.equal(mailbox.uidNext, 21);
  });

  it('renames a mailbox with its children, and renaming INBOX moves its messages', async () => {
    const account = await newAccount();
    await store.createMailbox(account, 'Projects');
    await store.createMailbox(account, 'Projects/Älpha');
    await assert.rejects(
      store.createMailbox(account, 'Projects'),
      (err: unknown) => err instanceof DomainError && err.code === ErrorCode.MailboxExists,
    );
    await assert.rejects(
      store.createMailbox(account, 'bad*name'),
      (err: unknown) => err instanceof DomainError && err.code === ErrorCode.InvalidMailboxName,
    );
    await store.renameMailbox(account, 'Projects', 'Work');
    const names = (await store.listMailboxes(account)).map((m) => m.name);
    assert.ok(names.includes('Work') && names.includes('Work/Älpha') && !names.includes('Projects'));
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    await store.append(account, inbox.id, [{ raw: message('old') }]);
    await store.renameMailbox(account, 'INBOX', 'Old Inbox');
    const old = (await store.getMailbox(account, 'Old Inbox'))!;
    assert.equal(old.total, 1);
    assert.equal((await store.getMailbox(account, 'INBOX'))!.total, 0);
    await assert.rejects(
      store.deleteMailbox(account, 'INBOX'),
      (err: unknown) => err instanceof DomainError && err.code === ErrorCode.MailboxProtected,
    );
    const blobId = (await store.listMessages(old.id))[0].blobId;
    await store.deleteMailbox(account, 'Old Inbox');
    assert.equal(await store.getMailbox(account, 'Old Inbox'), null);
    const blobs: unknown[] = await db.query(`SELECT 1 FROM message_blobs WHERE id = $1`, [blobId]);
    assert.equal(blobs.length, 0, 'the bytes of the deleted mailbox are gone');
  });

  it('finds messages by decoded text, case-insensitively', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    const encoded = Buffer.from(
      'From: a@example.com\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 au lait\r\n',
    );
    await store.append(account, inbox.id, [{ raw: encoded }, { raw: message('plain', 'nothing here') }]);
    assert.deepEqual(await store.searchText(inbox.id, 'CAFÉ', 'body'), [1]);
    assert.deepEqual(await store.searchText(inbox.id, 'grüße', 'body'), []);
    assert.deepEqual(await store.searchText(inbox.id, 'grüße', 'text'), [1]);
  });

  it('publishes every change on the account channel', async () => {
    const account = await newAccount();
    const inbox = (await store.getMailbox(account, 'INBOX'))!;
    const seen: MailboxChangeNotice[] = [];
    const unsubscribe = await notifier.subscribe(account, (n) => seen.push(n));
    await store.append(account, inbox.id, [{ raw: message('ping') }]);
    await store.storeFlags({ accountId: account, mailboxId: inbox.id, uids: [1], operation: 'add', flags: ['\\Deleted'] });
    await store.expunge({ accountId: account, mailboxId: inbox.id });
    await eventually(() => Promise.resolve(seen.length >= 3), { what: 'three notices' });
    assert.deepEqual(
      seen.map((n) => [n.mailboxId, n.kind]),
      [
        [inbox.id, 'exists'],
        [inbox.id, 'flags'],
        [inbox.id, 'expunge'],
      ],
    );
    await unsubscribe();
  });
});
