import { Command, FetchItem } from '../../protocol/command';
import { WireValue } from '../../protocol/encoder';
import { atom } from '../../protocol/value';
import { no } from '../errors';
import { formatInternalDate, formatSet } from '../format';
import { ImapSession } from '../session';
import { ImapMessage } from '../store';
import { selectedOrFail } from './expunge';

type Of<N extends Command['name']> = Command & { name: N };

const NEEDS_RAW = new Set<FetchItem['kind']>([
  'ENVELOPE',
  'BODYSTRUCTURE',
  'BODY',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.TEXT',
  'BODY[]',
  'BINARY',
  'BINARY.SIZE',
]);
/** Items that set \Seen (RFC 9051 6.4.5: BODY[...] without .PEEK, RFC822, RFC822.TEXT, BINARY). */
const sets = (item: FetchItem): boolean =>
  item.kind === 'RFC822' || item.kind === 'RFC822.TEXT' || ((item.kind === 'BODY[]' || item.kind === 'BINARY') && !item.peek);

const BATCH = 200;

function partial(data: Buffer, range: { offset: number; length: number } | null): Buffer {
  if (!range) return data;
  return data.subarray(Math.min(range.offset, data.length), Math.min(range.offset + range.length, data.length));
}

/** RFC 3516 4.3: a part whose Content-Transfer-Encoding cannot be decoded fails the FETCH. */
function binaryOrFail(data: Buffer | null | 'unknown-cte'): Buffer {
  if (data === 'unknown-cte') throw no('UNKNOWN-CTE', 'the part has a Content-Transfer-Encoding that cannot be decoded');
  return data ?? Buffer.alloc(0);
}

function render(session: ImapSession, m: ImapMessage, items: FetchItem[], raw: Buffer | null): WireValue[] {
  const out: WireValue[] = [];
  const bytes = raw ?? Buffer.alloc(0);
  const r = session.renderer(bytes);
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
        out.push(atom('UID'), m.uid);
        break;
      case 'FLAGS':
        out.push(atom('FLAGS'), m.flags.map(atom));
        break;
      case 'INTERNALDATE':
        out.push(atom('INTERNALDATE'), formatInternalDate(m.internalDate));
        break;
      case 'RFC822.SIZE':
        out.push(atom('RFC822.SIZE'), m.size);
        break;
      case 'MODSEQ':
        out.push(atom('MODSEQ'), [m.modseq]);
        break;
      case 'ENVELOPE':
        out.push(atom('ENVELOPE'), r.envelope());
        break;
      case 'BODYSTRUCTURE':
        out.push(atom('BODYSTRUCTURE'), r.bodyStructure(true));
        break;
      case 'BODY':
        out.push(atom('BODY'), r.bodyStructure(false));
        break;
      case 'RFC822':
        out.push(atom('RFC822'), bytes);
        break;
      case 'RFC822.HEADER':
        out.push(atom('RFC822.HEADER'), r.section({ part: [], text: 'HEADER', fields: [] }));
        break;
      case 'RFC822.TEXT':
        out.push(atom('RFC822.TEXT'), r.section({ part: [], text: 'TEXT', fields: [] }));
        break;
      case 'BODY[]': {
        const data = r.section(item.section);
        const origin = item.partial ? `<${item.partial.offset}>` : '';
        out.push(atom(item.label + origin), partial(data, item.partial));
        break;
      }
      case 'BINARY': {
        const data = binaryOrFail(r.binary(item.part));
        const origin = item.partial ? `<${item.partial.offset}>` : '';
        out.push(atom(item.label + origin), { literal8: partial(data, item.partial) });
        break;
      }
      case 'BINARY.SIZE':
        out.push(atom(item.label), binaryOrFail(r.binary(item.part)).length);
        break;
    }
  }
  return out;
}

/** RFC 9051 6.4.5 FETCH, RFC 7162 3.1.4 CHANGEDSINCE and 3.2.6 VANISHED, RFC 3516 BINARY. */
export async function fetch(session: ImapSession, _tag: string, command: Of<'FETCH'>): Promise<void> {
  const selected = selectedOrFail(session);
  const uids = selected.resolve(command.set, command.uid, session.savedSearch);
  let items = command.items;
  // RFC 9051 6.4.9: UID FETCH always returns UID; RFC 7162 3.1.4.1: CHANGEDSINCE implies MODSEQ.
  if (command.uid && !items.some((i) => i.kind === 'UID')) items = [{ kind: 'UID' }, ...items];
  if (command.changedSince !== null && !items.some((i) => i.kind === 'MODSEQ')) items = [...items, { kind: 'MODSEQ' }];
  if (items.some((i) => i.kind === 'MODSEQ')) session.condstore = true;
  if (command.vanished && command.changedSince !== null) {
    const changes = await session.store.changesSince(selected.id, command.changedSince);
    const inSet = selected.resolveKnown(command.set);
    const vanished = changes.expunged.filter(inSet);
    if (vanished.length > 0) session.untagged([atom('VANISHED'), atom('(EARLIER)'), atom(formatSet(vanished))]);
  }
  if (uids.length === 0) return;
  let messages = await session.store.getMessages(selected.id, uids);
  if (command.changedSince !== null) {
    const since = command.changedSince;
    messages = messages.filter((m) => m.modseq > since);
  }
  if (!selected.readOnly && items.some(sets)) {
    const unseen = messages.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
    if (unseen.length > 0) {
      const result = await session.store.storeFlags({
        accountId: session.accountId,
        mailboxId: selected.id,
        uids: unseen,
        operation: 'add',
        flags: ['\\Seen'],
      });
      const updated = new Map(result.updated.map((m) => [m.uid, m]));
      messages = messages.map((m) => updated.get(m.uid) ?? m);
      for (const m of result.updated) selected.noteModseq(m.uid, m.modseq);
      // RFC 9051 6.4.5: the changed flags are returned with the data.
      if (!items.some((i) => i.kind === 'FLAGS')) items = [...items, { kind: 'FLAGS' }];
    }
  }
  const needsRaw = items.some((i) => NEEDS_RAW.has(i.kind));
  messages.sort((a, b) => a.uid - b.uid);
  // The next batch's bytes are read while this one is rendered and written.
  const read = (start: number): Promise<Buffer[] | null> =>
    needsRaw && start < messages.length ? session.readRaws(messages.slice(start, start + BATCH)) : Promise.resolve(null);
  let pending = read(0);
  // A failure is seen by the await below; this only keeps an abandoned one from being unhandled.
  pending.catch(() => undefined);
  for (let i = 0; i < messages.length; i += BATCH) {
    const batch = messages.slice(i, i + BATCH);
    const raws = await pending;
    pending = read(i + BATCH);
    pending.catch(() => undefined);
    const responses: WireValue[][] = [];
    batch.forEach((m, j) => {
      const seq = selected.seqOf(m.uid);
      if (seq > 0) responses.push([seq, atom('FETCH'), render(session, m, items, raws ? raws[j] : null)]);
    });
    session.untaggedMany(responses);
    await session.drained();
  }
}
