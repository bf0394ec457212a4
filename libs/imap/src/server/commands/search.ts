import { Command, SearchKey } from '../../protocol/command';
import { ImapValue, atom } from '../../protocol/value';
import { no } from '../errors';
import { RenderedMessage } from '../message-parts';
import { formatSet } from '../format';
import { ImapSession } from '../session';
import { ImapMessage } from '../store';
import { selectedOrFail } from './expunge';

type Of<N extends Command['name']> = Command & { name: N };

interface Context {
  texts: Map<SearchKey, Set<number>>;
  raws: Map<number, Buffer>;
  rendered: Map<number, RenderedMessage>;
  session: ImapSession;
  uidSets: Map<SearchKey, Set<number>>;
}

function walk(key: SearchKey, visit: (k: SearchKey) => void): void {
  visit(key);
  if (key.op === 'and') key.keys.forEach((k) => walk(k, visit));
  else if (key.op === 'or') {
    walk(key.a, visit);
    walk(key.b, visit);
  } else if (key.op === 'not') walk(key.key, visit);
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

function compareDay(value: string, cmp: 'before' | 'on' | 'since', wanted: string): boolean {
  return cmp === 'before' ? value < wanted : cmp === 'on' ? value === wanted : value >= wanted;
}

function rendered(ctx: Context, m: ImapMessage): RenderedMessage {
  let r = ctx.rendered.get(m.uid);
  if (!r) {
    r = ctx.session.renderer(ctx.raws.get(m.uid) ?? Buffer.alloc(0));
    ctx.rendered.set(m.uid, r);
  }
  return r;
}

function matches(key: SearchKey, m: ImapMessage, ctx: Context): boolean {
  switch (key.op) {
    case 'and':
      return key.keys.every((k) => matches(k, m, ctx));
    case 'or':
      return matches(key.a, m, ctx) || matches(key.b, m, ctx);
    case 'not':
      return !matches(key.key, m, ctx);
    case 'all':
      return true;
    case 'none':
      return false;
    case 'flag':
      return m.flags.some((f) => f.toLowerCase() === key.flag.toLowerCase()) === key.set;
    case 'date': {
      if (key.field === 'internal') return compareDay(day(m.internalDate), key.cmp, key.date);
      const sent = rendered(ctx, m).sentDay();
      return sent !== null && compareDay(sent, key.cmp, key.date);
    }
    case 'header':
      return rendered(ctx, m).matchesHeader(key.field, key.value);
    case 'text':
      return ctx.texts.get(key)?.has(m.uid) ?? false;
    case 'size':
      return key.cmp === 'larger' ? m.size > key.size : m.size < key.size;
    case 'uid':
    case 'seq':
      return ctx.uidSets.get(key)?.has(m.uid) ?? false;
    case 'modseq':
      return m.modseq >= key.modseq;
  }
}

/** RFC 9051 6.4.4 SEARCH, RFC 4731 ESEARCH, RFC 5182 SEARCHRES, RFC 7162 3.1.5 MODSEQ. */
export async function search(session: ImapSession, tag: string, command: Of<'SEARCH'>): Promise<void> {
  const selected = selectedOrFail(session);
  if (command.charset && command.charset !== 'UTF-8' && command.charset !== 'US-ASCII') {
    throw no('BADCHARSET (UTF-8 US-ASCII)', `charset ${command.charset} is not supported`);
  }
  const wantSave = command.returns?.includes('SAVE') ?? false;
  if (wantSave) session.savedSearch = [];
  const messages = (await session.store.listMessages(selected.id)).filter((m) => selected.seqOf(m.uid) > 0);
  const ctx: Context = {
    texts: new Map(),
    raws: new Map(),
    rendered: new Map(),
    session,
    uidSets: new Map(),
  };
  let needRaw = false;
  let usesModseq = false;
  const pending: Array<Promise<void>> = [];
  walk(command.key, (key) => {
    if (key.op === 'text') {
      pending.push(session.store.searchText(selected.id, key.value, key.scope).then((uids) => void ctx.texts.set(key, new Set(uids))));
    } else if (key.op === 'header' || (key.op === 'date' && key.field === 'sent')) {
      needRaw = true;
    } else if (key.op === 'uid' || key.op === 'seq') {
      ctx.uidSets.set(key, new Set(selected.resolve(key.set, key.op === 'uid', session.savedSearch)));
    } else if (key.op === 'modseq') {
      usesModseq = true;
    }
  });
  await Promise.all(pending);
  if (needRaw) {
    for (let i = 0; i < messages.length; i += 200) {
      const batch = messages.slice(i, i + 200);
      (await session.readRaws(batch)).forEach((raw, j) => ctx.raws.set(batch[j].uid, raw));
    }
  }
  if (usesModseq) session.condstore = true;
  const found = messages.filter((m) => matches(command.key, m, ctx)).sort((a, b) => a.uid - b.uid);
  const numbers = found.map((m) => (command.uid ? m.uid : selected.seqOf(m.uid)));
  const highest = found.reduce((max, m) => (m.modseq > max ? m.modseq : max), 0n);
  const returns = command.returns;
  if (returns === null && !session.rev2) {
    const line: ImapValue[] = [atom('SEARCH'), ...numbers];
    if (usesModseq && found.length > 0) line.push([atom('MODSEQ'), highest]);
    session.untagged(line);
    return;
  }
  const options = returns === null || returns.length === 0 ? ['ALL'] : returns;
  if (wantSave) {
    const minMaxOnly = options.every((o) => o === 'MIN' || o === 'MAX' || o === 'SAVE') && options.some((o) => o === 'MIN' || o === 'MAX');
    const saved = minMaxOnly
      ? [options.includes('MIN') ? found[0] : undefined, options.includes('MAX') ? found[found.length - 1] : undefined]
      : found;
    session.savedSearch = saved.filter((m): m is ImapMessage => m !== undefined).map((m) => m.uid);
    // RFC 5182 2.1: SAVE alone returns no ESEARCH.
    if (options.length === 1) return;
  }
  const line: ImapValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (command.uid) line.push(atom('UID'));
  if (numbers.length > 0) {
    if (options.includes('MIN')) line.push(atom('MIN'), numbers[0]);
    if (options.includes('MAX')) line.push(atom('MAX'), numbers[numbers.length - 1]);
    if (options.includes('ALL')) line.push(atom('ALL'), atom(formatSet(numbers)));
  }
  if (options.includes('COUNT')) line.push(atom('COUNT'), numbers.length);
  if (usesModseq && found.length > 0) line.push(atom('MODSEQ'), highest);
  session.untagged(line);
}
