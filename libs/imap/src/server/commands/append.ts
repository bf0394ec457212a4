import { Command } from '../../protocol/command';
import { no } from '../errors';
import { decodeName } from '../mailbox-names';
import { formatSet } from '../format';
import { Completion, ImapSession } from '../session';

type Of<N extends Command['name']> = Command & { name: N };

/** RFC 9051 6.3.12 APPEND, RFC 3502 MULTIAPPEND (all or nothing), RFC 4315 APPENDUID. */
export async function append(session: ImapSession, _tag: string, command: Of<'APPEND'>): Promise<Completion> {
  const name = decodeName(command.mailbox, session.utf8);
  const mailbox = await session.store.getMailbox(session.accountId, name);
  if (!mailbox) throw no('TRYCREATE', `no mailbox ${name}`);
  for (const message of command.messages) {
    if (message.raw.length === 0) throw no(null, 'empty message');
    if (message.raw.length > session.options.appendLimit) throw no('TOOBIG', 'message over APPENDLIMIT');
  }
  const result = await session.store.append(
    session.accountId,
    mailbox.id,
    command.messages.map((m) => ({
      raw: m.raw,
      flags: m.flags.filter((f) => f !== '\\Recent'),
      internalDate: m.date ?? undefined,
    })),
  );
  if (session.selected?.id === mailbox.id) session.selected.dirty = true;
  await session.refreshQuota();
  const uids = formatSet(result.messages.map((m) => m.uid));
  return { code: `APPENDUID ${result.uidValidity} ${uids}`, text: 'APPEND completed' };
}
