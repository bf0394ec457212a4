/**
 * Another process delivering into a mailbox, as an MTA instance on another machine would:
 * its own database pool and Redis connections. `node imap-deliver-process.js <accountId> <mailbox> <subject>`
 * with the test's environment.
 */
import 'reflect-metadata';
import { loadConfig } from '@postern/config';
import { createDataSource } from '@postern/db';
import { MailStore, MailboxNotifier } from '@postern/mailstore';
import { createRedis } from '@postern/queue';

async function main(): Promise<void> {
  const [accountId, mailboxName, subject] = process.argv.slice(2);
  const config = loadConfig(process.env);
  const db = createDataSource(config.databaseUrl);
  await db.initialize();
  const connect = () => createRedis(config.redisUrl);
  const notifier = new MailboxNotifier(connect(), config.redisPrefix, connect);
  try {
    const store = new MailStore(db, notifier);
    const mailbox = await store.getMailbox(accountId, mailboxName);
    if (!mailbox) throw new Error(`no mailbox ${mailboxName}`);
    const raw = Buffer.from(`From: other@example.test\r\nTo: x@example.test\r\nSubject: ${subject}\r\n\r\nDelivered elsewhere.\r\n`);
    const { messages } = await store.append(accountId, mailbox.id, [{ raw }]);
    process.stdout.write(`${messages[0].uid}\n`);
  } finally {
    notifier.close();
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
