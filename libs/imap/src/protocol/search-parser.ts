import { SearchKey } from './command';
import { Cursor } from './cursor';

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};

const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** date (RFC 9051 9): `d-Mon-yyyy`, optionally quoted; returned as `yyyy-mm-dd`. */
export function searchDate(c: Cursor): string {
  const quoted = c.take('"');
  const day = c.number();
  c.expect('-');
  const month = MONTHS.indexOf(c.buf.toString('latin1', c.pos, c.pos + 3).toUpperCase());
  if (month < 0) c.fail('bad month');
  c.pos += 3;
  c.expect('-');
  const yearStart = c.pos;
  const year = c.number();
  if (c.pos - yearStart !== 4 || day < 1 || day > 31) c.fail('bad date');
  if (quoted) c.expect('"');
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** search-key (RFC 9051 6.4.4), with MODSEQ (RFC 7162 3.1.5). `depth` bounds nesting. */
export function searchKey(c: Cursor, depth = 0): SearchKey {
  if (depth > 50) c.fail('search nested too deeply');
  if (c.peek() === 0x28) {
    const keys = c.list(() => searchKey(c, depth + 1), false);
    return keys.length === 1 ? keys[0] : { op: 'and', keys };
  }
  const first = c.peek();
  if ((first >= 0x31 && first <= 0x39) || first === 0x2a || first === 0x24) return { op: 'seq', set: c.sequenceSet() };
  const word = c.atom().toUpperCase();
  const flag = FLAG_KEYS[word];
  if (flag) return { op: 'flag', flag: flag[0], set: flag[1] };
  const date = DATE_KEYS[word];
  if (date) {
    c.sp();
    return { op: 'date', field: date[0], cmp: date[1], date: searchDate(c) };
  }
  switch (word) {
    case 'ALL':
    case 'OLD':
      return { op: 'all' };
    case 'NEW':
    case 'RECENT':
      // RFC 9051 removes \Recent; nothing is ever recent here.
      return { op: 'none' };
    case 'KEYWORD':
    case 'UNKEYWORD':
      c.sp();
      return { op: 'flag', flag: c.atom(), set: word === 'KEYWORD' };
    case 'FROM':
    case 'TO':
    case 'CC':
    case 'BCC':
    case 'SUBJECT':
      c.sp();
      return { op: 'header', field: word.toLowerCase(), value: c.astring() };
    case 'HEADER': {
      c.sp();
      const field = c.astring().toLowerCase();
      c.sp();
      return { op: 'header', field, value: c.astring() };
    }
    case 'BODY':
    case 'TEXT':
      c.sp();
      return { op: 'text', scope: word === 'BODY' ? 'body' : 'text', value: c.astring() };
    case 'LARGER':
    case 'SMALLER':
      c.sp();
      return { op: 'size', cmp: word === 'LARGER' ? 'larger' : 'smaller', size: c.number() };
    case 'UID':
      c.sp();
      return { op: 'uid', set: c.sequenceSet() };
    case 'NOT':
      c.sp();
      return { op: 'not', key: searchKey(c, depth + 1) };
    case 'OR': {
      c.sp();
      const a = searchKey(c, depth + 1);
      c.sp();
      return { op: 'or', a, b: searchKey(c, depth + 1) };
    }
    case 'MODSEQ': {
      c.sp();
      // RFC 7162 3.1.5: optional entry name and type, which we accept and ignore.
      if (c.peek() === 0x22) {
        c.string();
        c.sp();
        const type = c.atom().toLowerCase();
        if (type !== 'priv' && type !== 'shared' && type !== 'all') c.fail('bad MODSEQ entry type');
        c.sp();
      }
      return { op: 'modseq', modseq: c.modseq(true) };
    }
    default:
      return c.fail(`unknown search key ${word}`);
  }
}

/** The keys of one SEARCH: SP-separated, all must match. */
export function searchKeys(c: Cursor): SearchKey {
  const keys: SearchKey[] = [searchKey(c)];
  while (c.trySp()) keys.push(searchKey(c));
  return keys.length === 1 ? keys[0] : { op: 'and', keys };
}
