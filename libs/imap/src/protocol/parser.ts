import { AppendItem, Command, ListReturn, QresyncParams, TaggedCommand } from './command';
import { Cursor, ImapParseError } from './cursor';
import { parseFetchItems } from './fetch-parser';
import { searchKeys } from './search-parser';

const NO_ARGUMENTS = new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CLOSE', 'UNSELECT', 'IDLE', 'NAMESPACE', 'CHECK']);
const KNOWN = new Set([
  'LOGIN',
  'AUTHENTICATE',
  'ENABLE',
  'ID',
  'SELECT',
  'EXAMINE',
  'CREATE',
  'DELETE',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'RENAME',
  'LIST',
  'LSUB',
  'STATUS',
  'APPEND',
  'EXPUNGE',
  'SEARCH',
  'FETCH',
  'STORE',
  'COPY',
  'MOVE',
  'GETQUOTA',
  'GETQUOTAROOT',
]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const STATUS_ITEMS = new Set(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT']);

/** The tag of a command line (RFC 9051 9: 1*<any ASTRING-CHAR except "+">), or null. */
export function readTag(c: Cursor): string {
  const start = c.pos;
  while (!c.done) {
    const ch = c.peek();
    if (ch <= 0x20 || ch >= 0x7f || ch === 0x2b || '(){%*"\\'.includes(String.fromCharCode(ch))) break;
    c.pos++;
  }
  if (c.pos === start) c.fail('expected a tag');
  return c.buf.toString('latin1', start, c.pos);
}

/** Parses one whole command as framed by CommandReader. Throws ImapParseError (with the tag when read). */
export function parseCommand(buf: Buffer): TaggedCommand {
  const c = new Cursor(buf);
  let tag: string | null = null;
  try {
    tag = readTag(c);
    c.sp();
    const command = parseBody(c);
    c.end();
    return { tag, command };
  } catch (err) {
    if (err instanceof ImapParseError) throw new ImapParseError(err.message, tag);
    throw err;
  }
}

function parseBody(c: Cursor): Command {
  let name = c.atom().toUpperCase();
  if (NO_ARGUMENTS.has(name)) return { name } as Command;
  let uid = false;
  if (name === 'UID') {
    uid = true;
    c.sp();
    name = c.atom().toUpperCase();
    if (!['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE'].includes(name)) c.fail(`UID ${name} is not a command`);
  }
  if (name === 'EXPUNGE' && !uid) return { name, uids: null };
  if (!KNOWN.has(name)) c.fail(`unknown command ${name}`);
  c.sp();
  switch (name) {
    case 'LOGIN': {
      const user = c.astring();
      c.sp();
      return { name, user, password: c.astring() };
    }
    case 'AUTHENTICATE': {
      const mechanism = c.atom().toUpperCase();
      let initial: string | null = null;
      if (c.trySp()) {
        // RFC 4959: base64 or "=" for an empty initial response.
        initial = c.atom();
        if (initial !== '=' && !/^[A-Za-z0-9+/]*={0,2}$/.test(initial)) c.fail('initial response is not base64');
      }
      return { name, mechanism, initial };
    }
    case 'ENABLE': {
      const capabilities = [c.atom().toUpperCase()];
      while (c.trySp()) capabilities.push(c.atom().toUpperCase());
      return { name, capabilities };
    }
    case 'ID':
      return { name, params: idParams(c) };
    case 'SELECT':
    case 'EXAMINE':
      return selectCommand(c, name);
    case 'CREATE': {
      const mailbox = c.mailbox();
      let specialUse: string[] = [];
      if (c.trySp()) {
        // RFC 6154 3: CREATE name (USE (\Sent)).
        c.expect('(USE ');
        specialUse = c.flagList();
        c.expect(')');
      }
      return { name, mailbox, specialUse };
    }
    case 'DELETE':
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      return { name, mailbox: c.mailbox() };
    case 'RENAME': {
      const from = c.mailbox();
      c.sp();
      return { name, from, to: c.mailbox() };
    }
    case 'LIST':
      return listCommand(c);
    case 'LSUB': {
      const reference = c.mailbox();
      c.sp();
      return { name, reference, pattern: c.listMailbox() };
    }
    case 'STATUS': {
      const mailbox = c.mailbox();
      c.sp();
      return { name, mailbox, items: statusItems(c) };
    }
    case 'APPEND':
      return appendCommand(c);
    case 'EXPUNGE':
      return { name, uids: c.sequenceSet() };
    case 'SEARCH':
      return searchCommand(c, uid);
    case 'FETCH':
      return fetchCommand(c, uid);
    case 'STORE':
      return storeCommand(c, uid);
    case 'COPY':
    case 'MOVE': {
      const set = c.sequenceSet();
      c.sp();
      return { name, uid, set, mailbox: c.mailbox() };
    }
    case 'GETQUOTA':
      return { name, root: c.astring() };
    case 'GETQUOTAROOT':
      return { name, mailbox: c.mailbox() };
    default:
      return c.fail(`unknown command ${name}`);
  }
}

function idParams(c: Cursor): Array<[string, string | null]> | null {
  if (c.take('NIL')) return null;
  const params: Array<[string, string | null]> = [];
  c.expect('(');
  while (!c.take(')')) {
    if (params.length > 0) c.sp();
    const key = c.string();
    c.sp();
    params.push([key, c.nstring()]);
    if (params.length > 30) c.fail('too many ID fields');
  }
  return params;
}

function selectCommand(c: Cursor, name: 'SELECT' | 'EXAMINE'): Command {
  const mailbox = c.mailbox();
  let condstore = false;
  let qresync: QresyncParams | null = null;
  if (c.trySp()) {
    c.list(() => {
      if (c.take('CONDSTORE')) {
        condstore = true;
        return;
      }
      // RFC 7162 3.2.5: QRESYNC (uidvalidity modseq [known-uids] [(seqs uids)])
      c.expect('QRESYNC (');
      const uidValidity = c.nzNumber();
      c.sp();
      const modseq = c.modseq();
      const params: QresyncParams = { uidValidity, modseq, knownUids: null, seqMatch: null };
      if (c.trySp() && c.peek() !== 0x28) {
        params.knownUids = c.sequenceSet();
        c.trySp();
      }
      if (c.take('(')) {
        const seqs = c.sequenceSet();
        c.sp();
        const uids = c.sequenceSet();
        c.expect(')');
        params.seqMatch = { seqs, uids };
      }
      c.expect(')');
      qresync = params;
    }, false);
  }
  return { name, mailbox, condstore, qresync };
}

function listCommand(c: Cursor): Command {
  let selection: string[] = [];
  let extended = false;
  if (c.peek() === 0x28) {
    extended = true;
    selection = c.list(() => c.atom().toUpperCase());
    c.sp();
  }
  const reference = c.mailbox();
  c.sp();
  let patterns: string[];
  if (c.peek() === 0x28) {
    extended = true;
    patterns = c.list(() => c.listMailbox(), false);
  } else {
    patterns = [c.listMailbox()];
  }
  const returns: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  if (c.trySp()) {
    extended = true;
    c.expect('RETURN ');
    c.list(() => {
      const option = c.atom().toUpperCase();
      if (option === 'SUBSCRIBED') returns.subscribed = true;
      else if (option === 'CHILDREN') returns.children = true;
      else if (option === 'SPECIAL-USE') returns.specialUse = true;
      else if (option === 'STATUS') {
        c.sp();
        returns.status = statusItems(c);
      } else c.fail(`unknown LIST return option ${option}`);
    });
  }
  return { name: 'LIST', reference, patterns, selection, returns, extended };
}

function statusItems(c: Cursor): string[] {
  return c.list(() => {
    const item = c.atom().toUpperCase();
    if (!STATUS_ITEMS.has(item)) c.fail(`unknown status item ${item}`);
    return item;
  }, false);
}

/** date-time (RFC 9051 9): "dd-Mon-yyyy hh:mm:ss +zzzz". */
function dateTime(c: Cursor): Date {
  const text = c.string();
  const m = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text);
  const month = m ? MONTHS.findIndex((x) => x.toLowerCase() === m[2].toLowerCase()) : -1;
  if (!m || month < 0) return c.fail('bad date-time');
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const utc = Date.UTC(Number(m[3]), month, Number(m[1].trim()), Number(m[4]), Number(m[5]), Number(m[6]));
  const date = new Date(utc - offset * 60000);
  if (Number.isNaN(date.getTime()) || Number(m[1]) > 31 || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) {
    return c.fail('bad date-time');
  }
  return date;
}

function appendCommand(c: Cursor): Command {
  const mailbox = c.mailbox();
  const messages: AppendItem[] = [];
  // RFC 3502 MULTIAPPEND: one or more append-message.
  while (c.trySp()) {
    let flags: string[] = [];
    let date: Date | null = null;
    if (c.peek() === 0x28) {
      flags = c.flagList();
      c.sp();
    }
    if (c.peek() === 0x22) {
      date = dateTime(c);
      c.sp();
    }
    let raw: Buffer;
    if (c.take('UTF8 (')) {
      // RFC 6855 4: UTF8 (literal8).
      raw = c.stringBytes(true);
      c.expect(')');
    } else {
      if (c.peek() !== 0x7b && c.peek() !== 0x7e) c.fail('expected a literal');
      raw = c.stringBytes(true);
    }
    messages.push({ flags, date, raw });
  }
  if (messages.length === 0) c.fail('APPEND needs a message');
  return { name: 'APPEND', mailbox, messages };
}

function searchCommand(c: Cursor, uid: boolean): Command {
  let returns: string[] | null = null;
  let charset: string | null = null;
  if (c.take('RETURN ')) {
    // RFC 4731 3.1, RFC 5182 2.
    returns = c.list(() => {
      const option = c.atom().toUpperCase();
      if (!['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'].includes(option)) c.fail(`unknown search return option ${option}`);
      return option;
    });
    c.sp();
  }
  if (c.take('CHARSET ')) {
    charset = c.astring().toUpperCase();
    c.sp();
  }
  return { name: 'SEARCH', uid, returns, charset, key: searchKeys(c) };
}

function fetchCommand(c: Cursor, uid: boolean): Command {
  const set = c.sequenceSet();
  c.sp();
  const items = parseFetchItems(c);
  let changedSince: bigint | null = null;
  let vanished = false;
  if (c.trySp()) {
    // RFC 7162 3.1.4 CHANGEDSINCE, 3.2.6 VANISHED.
    c.list(() => {
      if (c.take('CHANGEDSINCE ')) changedSince = c.modseq(true);
      else if (c.take('VANISHED')) vanished = true;
      else c.fail('unknown fetch modifier');
    }, false);
    if (vanished && (!uid || changedSince === null)) c.fail('VANISHED needs UID FETCH and CHANGEDSINCE');
  }
  return { name: 'FETCH', uid, set, items, changedSince, vanished };
}

function storeCommand(c: Cursor, uid: boolean): Command {
  const set = c.sequenceSet();
  c.sp();
  let unchangedSince: bigint | null = null;
  if (c.take('(UNCHANGEDSINCE ')) {
    unchangedSince = c.modseq(true);
    c.expect(')');
    c.sp();
  }
  const operation = c.take('+') ? 'add' : c.take('-') ? 'remove' : 'replace';
  c.expect('FLAGS');
  const silent = c.take('.SILENT');
  c.sp();
  let flags: string[];
  if (c.peek() === 0x28) {
    flags = c.flagList();
  } else {
    flags = [c.flag()];
    while (c.trySp()) flags.push(c.flag());
  }
  return { name: 'STORE', uid, set, unchangedSince, operation, silent, flags };
}
