import { Command } from '../../protocol/command';
import { ImapValue, atom } from '../../protocol/value';
import { no } from '../errors';
import { SelectedMailbox } from '../selected';
import { formatSet } from '../format';
import { ImapSession } from '../session';

type Of<N extends Command['name']> = Command & { name: N };

export function selectedOrFail(session: ImapSession): SelectedMailbox {
  if (!session.selected) throw no(null, 'no mailbox selected');
  return session.selected;
}

export function writable(session: ImapSession): SelectedMailbox {
  const selected = selectedOrFail(session);
  if (selected.readOnly) throw no('READ-ONLY', 'mailbox is read-only (EXAMINE)');
  return selected;
}

/** Tells the client about UIDs this session removed: EXPUNGE per message, or VANISHED with QRESYNC (RFC 7162 3.2.10). */
export function reportExpunged(session: ImapSession, uids: number[]): void {
  const selected = selectedOrFail(session);
  const present = uids.filter((uid) => selected.seqOf(uid) > 0);
  if (present.length === 0) return;
  if (session.qresync) {
    for (const uid of present) selected.remove(uid);
    session.untagged([atom('VANISHED'), atom(formatSet(present))]);
    return;
  }
  const out: ImapValue[][] = [];
  for (const uid of [...present].sort((a, b) => a - b)) out.push([selected.remove(uid), atom('EXPUNGE')]);
  session.untaggedMany(out);
}

/** RFC 9051 6.4.3 EXPUNGE and RFC 4315 2.1 UID EXPUNGE. */
export async function expunge(session: ImapSession, _tag: string, command: Of<'EXPUNGE'>): Promise<void> {
  const selected = writable(session);
  const uids = command.uids ? selected.resolve(command.uids, true, session.savedSearch) : undefined;
  if (uids && uids.length === 0) return;
  const result = await session.store.expunge({ accountId: session.accountId, mailboxId: selected.id, uids });
  reportExpunged(session, result.expunged);
  selected.dirty = true;
}
