import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapTestServer, RawImap, sampleMessage, startImapTestServer } from './imap-helpers';

/** A small deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

// Commands that wait for more input (IDLE, AUTHENTICATE, literals) or end the session are left out.
const COMMANDS = [
  'FETCH 1:* (FLAGS UID BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.20> ENVELOPE BODYSTRUCTURE)',
  'UID FETCH 1:* (BINARY.PEEK[1] BINARY.SIZE[1] RFC822.SIZE INTERNALDATE MODSEQ) (CHANGEDSINCE 1 VANISHED)',
  'STORE 1 +FLAGS.SILENT (\\Flagged $Fuzz)',
  'UID STORE 1:* (UNCHANGEDSINCE 5) -FLAGS (\\Seen)',
  'SEARCH RETURN (MIN MAX COUNT SAVE) OR SEEN (SUBJECT fuzz SINCE 1-Jan-2020) NOT HEADER X-Y z',
  'UID SEARCH TEXT hello BODY there SENTBEFORE 1-Jan-2030 LARGER 1 UID 1:*',
  'LIST (SUBSCRIBED) "" ("*" %) RETURN (CHILDREN STATUS (MESSAGES SIZE HIGHESTMODSEQ))',
  'STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE)',
  'COPY 1 Archive',
  'UID MOVE 99 Trash',
  'SELECT INBOX (CONDSTORE)',
  'EXAMINE Fuzz',
  'CREATE Fuzz/sub',
  'RENAME Fuzz/sub Fuzz/other',
  'DELETE Fuzz/other',
  'GETQUOTAROOT INBOX',
  'ENABLE CONDSTORE UTF8=ACCEPT',
  'ID ("name" "fuzz")',
  'NAMESPACE',
  'NOOP',
  'UID EXPUNGE 1000',
];
const ALPHABET = ' ()[]<>"\\*%$:,.+-~0123456789aZ\x00\x7f\u00e9';

describe('IMAP session under mutated commands', { timeout: 120_000 }, () => {
  let server: ImapTestServer;

  before(async () => {
    server = await startImapTestServer();
    const accountId = await server.account('fuzz', 'fuzz password 1');
    const inbox = (await server.store.listMailboxes(accountId)).find((m) => m.name === 'INBOX')!;
    await server.store.append(accountId, inbox.id, [{ raw: sampleMessage('fuzz one') }, { raw: sampleMessage('fuzz two') }]);
    await server.store.createMailbox(accountId, 'Fuzz');
  });
  after(async () => {
    await server?.close();
  });

  test('every mutated command gets a tagged OK, NO or BAD, and the session keeps working', async () => {
    const random = rng(7);
    const imap = await RawImap.open(server.imapsPort, true);
    await imap.command('l LOGIN fuzz "fuzz password 1"');
    await imap.command('s SELECT INBOX');
    for (let i = 0; i < 1500; i++) {
      const tag = `f${i}`;
      let line = COMMANDS[Math.floor(random() * COMMANDS.length)];
      const edits = Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (line.length + 1));
        const cut = Math.floor(random() * 3);
        line = line.slice(0, at) + ALPHABET[Math.floor(random() * ALPHABET.length)] + line.slice(at + cut);
      }
      imap.write(Buffer.from(`${tag} ${line}\r\n`, 'utf8'));
      const answer = await imap.until(new RegExp(`^${tag} (OK|NO|BAD)[^\r\n]*\r\n`, 'm'), 10_000);
      assert.doesNotMatch(answer, /SERVERBUG/, `${tag} ${line}`);
      // Leave the session in the selected state for the next command.
      if (
        !/^\S+ OK/m.test(
          answer
            .split('\r\n')
            .filter((l) => l.startsWith(tag))
            .join('\n'),
        ) ||
        /UNSELECT|CLOSE|DELETE/.test(line)
      ) {
        await imap.command(`r${i} SELECT INBOX`);
      }
    }
    assert.match(await imap.command('z NOOP'), /^z OK/m);
    imap.close();
  });
});
