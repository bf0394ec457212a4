import { Command } from '../../protocol/command';
import { ImapValue, atom } from '../../protocol/value';
import { formatSet } from '../format';
import { Completion, ImapSession } from '../session';
import { writable } from './expunge';

type Of<N extends Command['name']> = Command & { name: N };

/** RFC 9051 6.4.6 STORE, RFC 7162 3.1.3 UNCHANGEDSINCE and MODIFIED. */
export async function store(session: ImapSession, _tag: string, command: Of<'STORE'>): Promise<Completion> {
  const selected = writable(session);
  const uids = selected.resolve(command.set, command.uid, session.savedSearch);
  if (command.unchangedSince !== null) session.condstore = true;
  if (uids.length === 0) return {};
  // RFC 9051 2.3.2: \Recent is not a flag a client can set.
  const flags = command.flags.filter((f) => f.toLowerCase() !== '\\recent');
  const result = await session.store.storeFlags({
    accountId: session.accountId,
    mailboxId: selected.id,
    uids,
    operation: command.operation,
    flags,
    unchangedSince: command.unchangedSince ?? undefined,
  });
  const responses: ImapValue[][] = [];
  if (result.updated.map((m) => selected.learnKeywords(m.flags)).some(Boolean)) responses.push(...selected.flagResponses());
  for (const m of result.updated.sort((a, b) => a.uid - b.uid)) {
    selected.noteModseq(m.uid, m.modseq);
    const seq = selected.seqOf(m.uid);
    if (seq === 0) continue;
    const items: ImapValue[] = [];
    if (command.uid) items.push(atom('UID'), m.uid);
    if (!command.silent) items.push(atom('FLAGS'), m.flags.map(atom));
    // RFC 7162 3.1.3: with CONDSTORE, a FETCH with MODSEQ even for .SILENT.
    if (session.condstore) items.push(atom('MODSEQ'), [m.modseq]);
    if (!command.silent || session.condstore) responses.push([seq, atom('FETCH'), items]);
  }
  session.untaggedMany(responses);
  if (result.modifiedSinceFailed.length > 0) {
    const numbers = command.uid
      ? result.modifiedSinceFailed
      : result.modifiedSinceFailed.map((uid) => selected.seqOf(uid)).filter((n) => n > 0);
    return { code: `MODIFIED ${formatSet(numbers)}`, text: 'conditional STORE failed for some messages' };
  }
  return {};
}
