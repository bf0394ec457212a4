import { Command } from '../../protocol/command';
import { atom } from '../../protocol/value';
import { no } from '../errors';
import { decodeName } from '../mailbox-names';
import { formatSet } from '../format';
import { Completion, ImapSession } from '../session';
import { reportExpunged, selectedOrFail, writable } from './expunge';

type Of<N extends Command['name']> = Command & { name: N };

const pairsCode = (uidValidity: number, pairs: Array<[number, number]>): string =>
  `COPYUID ${uidValidity} ${pairs.map((p) => p[0]).join(',')} ${pairs.map((p) => p[1]).join(',')}`;

/** RFC 9051 6.4.7 COPY, RFC 6851 MOVE, RFC 4315 COPYUID. */
export async function copyOrMove(session: ImapSession, _tag: string, command: Of<'COPY' | 'MOVE'>): Promise<Completion> {
  const selected = command.name === 'MOVE' ? writable(session) : selectedOrFail(session);
  const uids = selected.resolve(command.set, command.uid, session.savedSearch);
  const name = decodeName(command.mailbox, session.utf8);
  const target = await session.store.getMailbox(session.accountId, name);
  if (!target) throw no('TRYCREATE', `no mailbox ${name}`);
  if (uids.length === 0) return { text: `${command.name} completed, nothing to do` };
  const input = { accountId: session.accountId, fromMailboxId: selected.id, uids, toMailboxId: target.id };
  if (command.name === 'COPY') {
    const result = await session.store.copy(input);
    if (target.id === selected.id) selected.dirty = true;
    return { code: pairsCode(result.uidValidity, result.pairs), text: 'COPY completed' };
  }
  if (target.id === selected.id) throw no('CANNOT', 'source and destination are the same mailbox');
  const result = await session.store.move(input);
  // RFC 6851 4.3: COPYUID in an untagged OK before the expunges.
  session.untagged([atom('OK'), atom(`[${pairsCode(result.uidValidity, result.pairs)}]`), atom('moved')]);
  reportExpunged(session, result.expunged);
  selected.dirty = true;
  return { text: `MOVE completed (${formatSet(result.expunged)})` };
}
