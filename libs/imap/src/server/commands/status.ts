import { Command } from '../../protocol/command';
import { astring } from '../../protocol/encoder';
import { ImapValue, atom } from '../../protocol/value';
import { no } from '../errors';
import { decodeName, encodeName } from '../mailbox-names';
import { ImapSession } from '../session';
import { ImapMailbox } from '../store';

type Of<N extends Command['name']> = Command & { name: N };

/** RFC 9051 6.3.11 STATUS items, with SIZE (RFC 8438), HIGHESTMODSEQ (RFC 7162), APPENDLIMIT (RFC 7889). */
export async function statusValues(session: ImapSession, mailbox: ImapMailbox, items: string[]): Promise<ImapValue[]> {
  const out: ImapValue[] = [];
  let deleted: number | null = null;
  for (const item of items) {
    out.push(atom(item));
    switch (item) {
      case 'MESSAGES':
        out.push(mailbox.total);
        break;
      case 'UIDNEXT':
        out.push(mailbox.uidNext);
        break;
      case 'UIDVALIDITY':
        out.push(mailbox.uidValidity);
        break;
      case 'UNSEEN':
        out.push(mailbox.unseen);
        break;
      case 'SIZE':
        out.push(mailbox.size);
        break;
      case 'RECENT':
        out.push(0);
        break;
      case 'HIGHESTMODSEQ':
        session.condstore = true;
        out.push(mailbox.highestModseq);
        break;
      case 'APPENDLIMIT':
        out.push(session.options.appendLimit);
        break;
      case 'DELETED':
        deleted ??= (await session.store.listMessages(mailbox.id)).filter((m) => m.flags.includes('\\Deleted')).length;
        out.push(deleted);
        break;
      default:
        out.push(null);
    }
  }
  return out;
}

export async function status(session: ImapSession, _tag: string, command: Of<'STATUS'>): Promise<void> {
  const name = decodeName(command.mailbox, session.utf8);
  const mailbox = await session.store.getMailbox(session.accountId, name);
  if (!mailbox) throw no('NONEXISTENT', `no mailbox ${name}`);
  session.untagged([atom('STATUS'), astring(encodeName(mailbox.name, session.utf8)), await statusValues(session, mailbox, command.items)]);
}

/** RFC 9208: one quota root per account, named "". */
export async function getQuota(session: ImapSession, _tag: string, command: Of<'GETQUOTA'>): Promise<void> {
  if (command.root !== '') throw no('NONEXISTENT', `no quota root ${command.root}`);
  await sendQuota(session);
}

export async function getQuotaRoot(session: ImapSession, _tag: string, command: Of<'GETQUOTAROOT'>): Promise<void> {
  const name = decodeName(command.mailbox, session.utf8);
  if (!(await session.store.getMailbox(session.accountId, name))) throw no('NONEXISTENT', `no mailbox ${name}`);
  session.untagged([atom('QUOTAROOT'), astring(encodeName(name, session.utf8)), '']);
  await sendQuota(session);
}

async function sendQuota(session: ImapSession): Promise<void> {
  const quota = await session.store.quota(session.accountId);
  // RFC 9208 5.1: STORAGE in units of 1024 octets; no resource when unlimited.
  const resources: ImapValue[] =
    quota.limitBytes > 0 ? [atom('STORAGE'), Math.ceil(quota.usedBytes / 1024), Math.floor(quota.limitBytes / 1024)] : [];
  session.untagged([atom('QUOTA'), '', resources]);
}
