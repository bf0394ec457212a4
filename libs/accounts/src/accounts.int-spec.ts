import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DataSource } from 'typeorm';
import { createDataSource, prepareDatabase } from '@postern/db';
import { MailStore, MailboxNotifier } from '@postern/mailstore';
import { createRedis } from '@postern/queue';
import { TestEnv, createTestEnv } from '@postern/testing';
import { AccountsService } from './accounts.service';

let env: TestEnv;
let db: DataSource;
let notifier: MailboxNotifier;

before(async () => {
  env = createTestEnv();
  await prepareDatabase({ databaseUrl: env.config.databaseUrl, createIfMissing: true, logger: env.context.logger });
  db = createDataSource(env.config.databaseUrl);
  await db.initialize();
  const connect = () => createRedis(env.config.redisUrl);
  notifier = new MailboxNotifier(connect(), env.config.redisPrefix, connect);
});

after(async () => {
  notifier.close();
  await db.destroy();
  await env.cleanup();
});

test('deleting an account removes its mailboxes, messages and their bytes, and leaves other accounts alone', async () => {
  const accounts = new AccountsService(db);
  const store = new MailStore(db, notifier);
  const gone = await accounts.create({ name: 'leaving' });
  const stays = await accounts.create({ name: 'staying' });
  const raw = Buffer.from('From: a@example.com\r\nSubject: bytes\r\n\r\nbody\r\n');
  for (const account of [gone, stays]) {
    const inbox = (await store.getMailbox(account.id, 'INBOX'))!;
    await store.append(account.id, inbox.id, [{ raw }]);
  }
  await accounts.delete('leaving');
  const count = async (sql: string) => (await db.query<{ n: number }[]>(sql))[0].n;
  assert.equal(await count(`SELECT count(*)::int AS n FROM message_blobs`), 1, "only the staying account's message keeps its bytes");
  assert.equal(await count(`SELECT count(*)::int AS n FROM mailbox_messages`), 1);
  assert.equal((await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mailboxes WHERE account_id = $1`, [gone.id]))[0].n, 0);
  assert.equal((await store.listMailboxes(stays.id)).find((m) => m.name === 'INBOX')?.total, 1);
});
