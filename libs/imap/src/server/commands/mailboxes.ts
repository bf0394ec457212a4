import { Command } from '../../protocol/command';
import { no } from '../errors';
import { checkNewName, decodeName } from '../mailbox-names';
import { ImapSession } from '../session';
import { ImapSpecialUse } from '../store';

type Of<N extends Command['name']> = Command & { name: N };

const SPECIAL_USES: ImapSpecialUse[] = ['\\Sent', '\\Drafts', '\\Trash', '\\Archive', '\\Junk'];

/** RFC 9051 6.3.4, RFC 6154 3 CREATE-SPECIAL-USE. Parents are created as needed. */
export async function create(session: ImapSession, _tag: string, command: Of<'CREATE'>): Promise<void> {
  // RFC 9051 6.3.4: a trailing separator only says the client intends children.
  const name = decodeName(command.mailbox, session.utf8).replace(/\/$/, '');
  checkNewName(name);
  if (name === 'INBOX') throw no('ALREADYEXISTS', 'INBOX always exists');
  if (command.specialUse.length > 1) throw no('USEATTR', 'one special use per mailbox');
  const uses = command.specialUse.map((u) => {
    const known = SPECIAL_USES.find((s) => s.toLowerCase() === u.toLowerCase());
    if (!known) throw no('USEATTR', `special use ${u} is not supported`);
    return known;
  });
  const existing = await session.store.listMailboxes(session.accountId);
  if (existing.some((m) => m.name === name)) throw no('ALREADYEXISTS', `mailbox ${name} exists`);
  const levels = name.split('/');
  for (let i = 1; i < levels.length; i++) {
    const parent = levels.slice(0, i).join('/');
    if (!existing.some((m) => m.name === parent || (parent.toUpperCase() === 'INBOX' && m.name === 'INBOX'))) {
      await session.store.createMailbox(session.accountId, parent);
    }
  }
  await session.store.createMailbox(session.accountId, name, uses[0]);
}

/** RFC 9051 6.3.5 */
export async function remove(session: ImapSession, _tag: string, command: Of<'DELETE'>): Promise<void> {
  const name = decodeName(command.mailbox, session.utf8);
  if (name === 'INBOX') throw no('CANNOT', 'INBOX cannot be deleted');
  const mailbox = await session.store.getMailbox(session.accountId, name);
  if (!mailbox) throw no('NONEXISTENT', `no mailbox ${name}`);
  if (session.selected?.id === mailbox.id) {
    session.selected = null;
    session.state = 'authenticated';
  }
  await session.store.deleteMailbox(session.accountId, name);
}

/** RFC 9051 6.3.6 */
export async function rename(session: ImapSession, _tag: string, command: Of<'RENAME'>): Promise<void> {
  const from = decodeName(command.from, session.utf8);
  const to = decodeName(command.to, session.utf8);
  checkNewName(to);
  if (!(await session.store.getMailbox(session.accountId, from))) throw no('NONEXISTENT', `no mailbox ${from}`);
  if (await session.store.getMailbox(session.accountId, to)) throw no('ALREADYEXISTS', `mailbox ${to} exists`);
  await session.store.renameMailbox(session.accountId, from, to);
}

/** RFC 9051 6.3.7 / 6.3.8 */
export async function subscribe(session: ImapSession, _tag: string, command: Of<'SUBSCRIBE' | 'UNSUBSCRIBE'>): Promise<void> {
  const name = decodeName(command.mailbox, session.utf8);
  if (!(await session.store.getMailbox(session.accountId, name))) {
    if (command.name === 'UNSUBSCRIBE') return;
    throw no('NONEXISTENT', `no mailbox ${name}`);
  }
  await session.store.setSubscribed(session.accountId, name, command.name === 'SUBSCRIBE');
}
