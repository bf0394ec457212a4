import { Command, QresyncParams } from '../../protocol/command';
import { ImapValue, atom } from '../../protocol/value';
import { bad, no } from '../errors';
import { formatSet } from '../format';
import { decodeName, encodeName } from '../mailbox-names';
import { SelectedMailbox } from '../selected';
import { Completion, ImapSession } from '../session';

type Of<N extends Command['name']> = Command & { name: N };

/** RFC 9051 6.3.2 SELECT / 6.3.3 EXAMINE, RFC 7162 3.1.8 CONDSTORE and 3.2.5 QRESYNC. */
export async function select(session: ImapSession, _tag: string, command: Of<'SELECT' | 'EXAMINE'>): Promise<Completion> {
  // RFC 9051 6.3.2: a failed SELECT leaves no mailbox selected; RFC 7162 3.2.11 CLOSED.
  if (session.selected && (session.qresync || session.rev2))
    session.untagged([atom('OK'), atom('[CLOSED]'), atom('previous mailbox closed')]);
  session.selected = null;
  session.state = 'authenticated';
  if (command.qresync && !session.qresync) throw bad('QRESYNC parameter needs ENABLE QRESYNC first');
  if (command.condstore) session.condstore = true;
  const name = decodeName(command.mailbox, session.utf8);
  const mailbox = await session.store.getMailbox(session.accountId, name);
  if (!mailbox) throw no('NONEXISTENT', `no mailbox ${name}`);
  const messages = await session.store.listMessages(mailbox.id);
  const readOnly = command.name === 'EXAMINE';
  const selected = new SelectedMailbox(mailbox, messages, readOnly);
  const out: ImapValue[][] = [...selected.flagResponses(), [selected.count, atom('EXISTS')]];
  if (!session.rev2) {
    out.push([0, atom('RECENT')]);
    const firstUnseen = messages.sort((a, b) => a.uid - b.uid).findIndex((m) => !m.flags.includes('\\Seen'));
    if (firstUnseen >= 0) out.push([atom('OK'), atom(`[UNSEEN ${firstUnseen + 1}]`), atom('first unseen')]);
  }
  out.push(
    [atom('OK'), atom(`[UIDVALIDITY ${mailbox.uidValidity}]`), atom('UIDs valid')],
    [atom('OK'), atom(`[UIDNEXT ${mailbox.uidNext}]`), atom('predicted next UID')],
    [atom('OK'), atom(`[HIGHESTMODSEQ ${mailbox.highestModseq}]`), atom('highest')],
  );
  if (session.rev2) out.push([atom('LIST'), [], '/', encodeName(mailbox.name, session.utf8)]);
  session.untaggedMany(out);
  if (command.qresync && command.qresync.uidValidity === mailbox.uidValidity) {
    await resync(session, selected, command.qresync);
  }
  session.selected = selected;
  session.state = 'selected';
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${command.name} completed` };
}

/** RFC 7162 3.2.5.2: VANISHED (EARLIER) for expunged known UIDs, then FETCH for changed ones. */
async function resync(session: ImapSession, selected: SelectedMailbox, params: QresyncParams): Promise<void> {
  const changes = await session.store.changesSince(selected.id, params.modseq);
  const known = params.knownUids ? selected.resolveKnown(params.knownUids) : null;
  const vanished = changes.expunged.filter((uid) => known === null || known(uid));
  if (vanished.length > 0) session.untagged([atom('VANISHED'), atom('(EARLIER)'), atom(formatSet(vanished))]);
  const responses: ImapValue[][] = [];
  for (const message of changes.changed) {
    const seq = selected.seqOf(message.uid);
    if (seq === 0) continue;
    responses.push([
      seq,
      atom('FETCH'),
      [atom('UID'), message.uid, atom('FLAGS'), message.flags.map(atom), atom('MODSEQ'), [message.modseq]],
    ]);
  }
  session.untaggedMany(responses);
}
