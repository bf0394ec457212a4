import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STAR } from './command';
import { ImapParseError } from './cursor';
import { encodeLine } from './encoder';
import { parseCommand } from './parser';
import { decodeMailboxUtf7, encodeMailboxUtf7 } from './utf7';
import { atom } from './value';

const parse = (text: string | Buffer) => parseCommand(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));
const bad = (text: string | Buffer) => assert.throws(() => parse(text), ImapParseError, String(text));

describe('IMAP command parser', () => {
  test('reads tags, atoms, quoted strings and literals', () => {
    assert.deepEqual(parse('a1 LOGIN joe "p\\"w\\\\d"'), { tag: 'a1', command: { name: 'LOGIN', user: 'joe', password: 'p"w\\d' } });
    assert.deepEqual(parse('a2 login {3}\r\nj o {4+}\r\nsecr').command, { name: 'LOGIN', user: 'j o', password: 'secr' });
    assert.deepEqual(parse('x NOOP'), { tag: 'x', command: { name: 'NOOP' } });
    bad('a1 LOGIN joe'); // missing argument
    bad('a1  NOOP'); // two spaces
    bad('a1 NOOP '); // trailing space
    bad('+1 NOOP'); // "+" is not a tag character
    bad('a1 LOGIN {5}\r\nab cd'); // literal shorter than announced
    bad('a1 LOGIN "a\nb" c');
    bad('a1 LOGIN "a\\x" c'); // only \" and \\ escape
  });

  test('reads sequence sets with * and $', () => {
    const fetch = parse('a FETCH 1:3,5,7:*,* FLAGS').command;
    assert.equal(fetch.name, 'FETCH');
    if (fetch.name !== 'FETCH') return;
    assert.deepEqual(fetch.set, {
      ranges: [
        [1, 3],
        [5, 5],
        [7, STAR],
        [STAR, STAR],
      ],
    });
    const saved = parse('a UID FETCH $ UID').command;
    assert.deepEqual(saved.name === 'FETCH' && saved.set, { saved: true });
    bad('a FETCH 0 FLAGS');
    bad('a FETCH 1: FLAGS');
    bad('a FETCH 1,,2 FLAGS');
  });

  test('expands FETCH macros and reads sections and partials', () => {
    const all = parse('a FETCH 1 ALL').command;
    assert.deepEqual(all.name === 'FETCH' && all.items.map((i) => i.kind), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']);
    const items = parse(
      'a UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (Subject From)] BODY[1.2.MIME] BODY[]<0.100> BINARY[2] BINARY.SIZE[] MODSEQ) (CHANGEDSINCE 5 VANISHED)',
    ).command;
    assert.equal(items.name, 'FETCH');
    if (items.name !== 'FETCH') return;
    assert.equal(items.changedSince, 5n);
    assert.equal(items.vanished, true);
    assert.deepEqual(items.items[1], {
      kind: 'BODY[]',
      peek: true,
      section: { part: [], text: 'HEADER.FIELDS', fields: ['Subject', 'From'] },
      partial: null,
      label: 'BODY[HEADER.FIELDS (Subject From)]',
    });
    assert.deepEqual(items.items[2], {
      kind: 'BODY[]',
      peek: false,
      section: { part: [1, 2], text: 'MIME', fields: [] },
      partial: null,
      label: 'BODY[1.2.MIME]',
    });
    assert.deepEqual(items.items[3], {
      kind: 'BODY[]',
      peek: false,
      section: { part: [], text: null, fields: [] },
      partial: { offset: 0, length: 100 },
      label: 'BODY[]',
    });
    assert.deepEqual(items.items[4], { kind: 'BINARY', peek: false, part: [2], partial: null, label: 'BINARY[2]' });
    bad('a FETCH 1 (FLAGS');
    bad('a FETCH 1 BODY[MIME]'); // MIME only after a part number
    bad('a FETCH 1 BODY.PEEK');
    bad('a FETCH 1 FLAGS (VANISHED)'); // VANISHED needs UID FETCH and CHANGEDSINCE
    bad('a FETCH 1 ()');
  });

  test('reads every SEARCH key', () => {
    const search = parse(
      'a UID SEARCH RETURN (MIN COUNT SAVE) CHARSET UTF-8 OR SEEN NOT FLAGGED (SINCE 1-Feb-2024 BEFORE "10-Mar-2025") FROM "a b" HEADER X-Thing {3}\r\nv v LARGER 10 SMALLER 20 UID 1:5 2,4 KEYWORD $Junk MODSEQ 7 TEXT hi BODY yo SENTON 5-Jan-2020 ALL NEW UNANSWERED',
    ).command;
    assert.equal(search.name, 'SEARCH');
    if (search.name !== 'SEARCH') return;
    assert.deepEqual(search.returns, ['MIN', 'COUNT', 'SAVE']);
    assert.equal(search.charset, 'UTF-8');
    assert.equal(search.key.op, 'and');
    if (search.key.op !== 'and') return;
    assert.deepEqual(search.key.keys[0], {
      op: 'or',
      a: { op: 'flag', flag: '\\Seen', set: true },
      b: { op: 'not', key: { op: 'flag', flag: '\\Flagged', set: true } },
    });
    assert.deepEqual(search.key.keys[1], {
      op: 'and',
      keys: [
        { op: 'date', field: 'internal', cmp: 'since', date: '2024-02-01' },
        { op: 'date', field: 'internal', cmp: 'before', date: '2025-03-10' },
      ],
    });
    assert.deepEqual(search.key.keys[3], { op: 'header', field: 'x-thing', value: 'v v' });
    assert.deepEqual(search.key.keys[7], {
      op: 'seq',
      set: {
        ranges: [
          [2, 2],
          [4, 4],
        ],
      },
    });
    assert.deepEqual(search.key.keys[9], { op: 'modseq', modseq: 7n });
    bad('a SEARCH');
    bad('a SEARCH SINCE 1-Foo-2024');
    bad('a SEARCH OR SEEN');
    bad('a SEARCH (SEEN');
    bad('a SEARCH FROB');
    bad(`a SEARCH ${'NOT '.repeat(100)}SEEN`); // nesting bound
  });

  test('reads STORE, SELECT with QRESYNC, LIST-EXTENDED, STATUS, APPEND', () => {
    assert.deepEqual(parse('a UID STORE 1:4 (UNCHANGEDSINCE 12) +FLAGS.SILENT (\\seen $Label)').command, {
      name: 'STORE',
      uid: true,
      set: { ranges: [[1, 4]] },
      unchangedSince: 12n,
      operation: 'add',
      silent: true,
      flags: ['\\Seen', '$Label'],
    });
    assert.deepEqual(parse('a SELECT inbox (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:10 41:50)))').command, {
      name: 'SELECT',
      mailbox: 'INBOX',
      condstore: false,
      qresync: {
        uidValidity: 67890007,
        modseq: 90060115194045000n,
        knownUids: {
          ranges: [
            [41, 211],
            [214, 541],
          ],
        },
        seqMatch: { seqs: { ranges: [[1, 10]] }, uids: { ranges: [[41, 50]] } },
      },
    });
    assert.deepEqual(parse('a LIST (SUBSCRIBED) "" ("INBOX" %/*) RETURN (CHILDREN STATUS (MESSAGES SIZE))').command, {
      name: 'LIST',
      reference: '',
      patterns: ['INBOX', '%/*'],
      selection: ['SUBSCRIBED'],
      returns: { subscribed: false, children: true, specialUse: false, status: ['MESSAGES', 'SIZE'] },
      extended: true,
    });
    const append = parse('a APPEND Drafts (\\Draft) " 5-Mar-2024 10:11:12 +0100" {5}\r\nhello {2+}\r\nhi').command;
    assert.equal(append.name, 'APPEND');
    if (append.name !== 'APPEND') return;
    assert.equal(append.messages.length, 2);
    assert.deepEqual(append.messages[0].flags, ['\\Draft']);
    assert.equal(append.messages[0].date?.toISOString(), '2024-03-05T09:11:12.000Z');
    assert.equal(append.messages[1].raw.toString(), 'hi');
    bad('a STATUS INBOX (MESSAGES FOO)');
    bad('a APPEND INBOX "hello"'); // the message must be a literal
    bad('a STORE 1 FLAGS');
    bad('a UID LOGIN a b');
  });

  test('modified UTF-7 mailbox names round-trip (RFC 3501 5.1.3)', () => {
    assert.equal(encodeMailboxUtf7('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    assert.equal(encodeMailboxUtf7('A&B'), 'A&-B');
    assert.equal(decodeMailboxUtf7('&Jjo-!'), '☺!');
    assert.equal(decodeMailboxUtf7('Entw&APw-rfe'), 'Entwürfe');
    assert.equal(decodeMailboxUtf7('&AGE-'), null); // "a" must be written directly
    assert.equal(decodeMailboxUtf7('&U,B'), null); // unterminated
    assert.equal(decodeMailboxUtf7('é'), null);
    for (const name of ['Ünïcödé/😀 mail', '&&&', 'a-b&c', '日本']) assert.equal(decodeMailboxUtf7(encodeMailboxUtf7(name)), name);
  });

  test('encoder writes atoms, NIL, numbers, quoted strings and literals', () => {
    assert.equal(
      encodeLine([atom('*'), 1n, atom('FETCH'), [atom('X'), null, 'a "q"', 'line\r\nbreak', Buffer.from('ab'), 'ü']]).toString(),
      '* 1 FETCH (X NIL "a \\"q\\"" {11}\r\nline\r\nbreak {2}\r\nab {2}\r\nü)\r\n',
    );
    assert.equal(encodeLine(['ü'], { utf8: true }).toString(), '"ü"\r\n');
  });
});

/** A small deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const VALID = [
  'a1 FETCH 1:3,7:* (FLAGS UID BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.50>)',
  'a2 UID STORE 4 (UNCHANGEDSINCE 9) -FLAGS.SILENT (\\Seen $Junk)',
  'a3 SEARCH RETURN (COUNT) OR (SEEN LARGER 100) NOT UID 1:9 SINCE 1-Jan-2024',
  'a4 LIST (SUBSCRIBED) "" (INBOX %) RETURN (STATUS (MESSAGES UNSEEN))',
  'a5 SELECT INBOX (QRESYNC (1 2 1:5))',
  'a6 APPEND INBOX (\\Seen) "01-Jan-2024 00:00:00 +0000" {3+}\r\nabc',
  'a7 ID ("name" "x" "version" NIL)',
  'a8 UID MOVE 1:* Archive',
  'a9 STATUS "Sent" (UIDNEXT HIGHESTMODSEQ SIZE)',
  'b1 CREATE Projects/x (USE (\\Archive))',
];

describe('IMAP parser under random input', () => {
  test('random bytes and mutated commands never crash the parser', () => {
    const random = rng(1);
    const alphabet = Buffer.from('abcAZ019 ()[]<>{}"\\*%$:,.+-~\r\n\x00\x7f\xc3\xa9BODY FETCH UID SEARCH');
    for (let i = 0; i < 20000; i++) {
      let input: Buffer;
      if (i % 2 === 0) {
        input = Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]));
      } else {
        const base = Buffer.from(VALID[i % VALID.length]);
        const at = Math.floor(random() * base.length);
        const cut = Math.floor(random() * 4);
        input = Buffer.concat([
          base.subarray(0, at),
          Buffer.from([alphabet[Math.floor(random() * alphabet.length)]]),
          base.subarray(at + cut),
        ]);
      }
      try {
        parseCommand(input);
      } catch (err) {
        assert.ok(err instanceof ImapParseError, `${JSON.stringify(input.toString('latin1'))}: ${String(err)}`);
      }
    }
  });

  test('invalid syntax is never accepted: NUL, bare CR/LF, doubled spaces, an unclosed list', () => {
    const random = rng(2);
    for (const command of VALID) {
      assert.doesNotThrow(() => parse(command), command);
      const base = Buffer.from(command);
      const literalAt = command.indexOf('{');
      const limit = literalAt < 0 ? base.length : literalAt;
      for (let i = 0; i < 200; i++) {
        const at = 1 + Math.floor(random() * (base.length - 1));
        const nul = Buffer.concat([base.subarray(0, at), Buffer.from([0]), base.subarray(at)]);
        bad(nul);
        const breakAt = 1 + Math.floor(random() * (limit - 1));
        bad(Buffer.concat([base.subarray(0, breakAt), Buffer.from(random() < 0.5 ? '\r' : '\n'), base.subarray(breakAt)]));
      }
      // Outside quoted strings a second space is never allowed.
      const quoted = /"[^"]*"/g;
      const masked = command.replace(quoted, (q) => 'x'.repeat(q.length));
      for (let i = 0; i < masked.length && i < limit; i++) {
        if (masked[i] === ' ') bad(command.slice(0, i) + ' ' + command.slice(i));
      }
      const lastParen = command.lastIndexOf(')');
      if (lastParen > 0 && literalAt < 0) bad(command.slice(0, lastParen) + command.slice(lastParen + 1));
    }
  });
});
