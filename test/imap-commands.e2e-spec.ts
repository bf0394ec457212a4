import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AccountsService } from '@postern/accounts';
import { ImapTestServer, RawImap, sampleMessage, startImapTestServer } from './imap-helpers';

function appendLine(tag: string, mailbox: string, messages: Array<{ flags?: string; raw: Buffer }>): Buffer {
  const parts: Buffer[] = [Buffer.from(`${tag} APPEND ${mailbox}`)];
  for (const m of messages) {
    parts.push(Buffer.from(`${m.flags ? ` (${m.flags})` : ''} {${m.raw.length}+}\r\n`), m.raw);
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

describe('IMAP commands, byte for byte', { timeout: 60_000 }, () => {
  let server: ImapTestServer;
  let accountId: string;
  let imap: RawImap;

  before(async () => {
    server = await startImapTestServer();
    accountId = await server.account('dave', 'dave password 1');
    imap = await RawImap.open(server.imapsPort, true);
    await imap.command('a LOGIN dave "dave password 1"');
  });
  after(async () => {
    imap?.close();
    await server?.close();
  });

  test('ID, NAMESPACE, CREATE with a special use, LIST-EXTENDED with RETURN (STATUS), RENAME, DELETE', async () => {
    assert.match(await imap.command('i1 ID ("name" "raw")'), /^\* ID \("name" "Postern" "vendor" "Postern"\)/m);
    assert.match(await imap.command('i2 NAMESPACE'), /^\* NAMESPACE \(\("" "\/"\)\) NIL NIL/m);
    assert.match(await imap.command('i3 CREATE Projects/Old (USE (\\Archive))'), /^i3 OK/m);
    assert.match(await imap.command('i4 CREATE Bad (USE (\\Frobbed))'), /^i4 NO \[USEATTR\]/m);
    assert.match(await imap.command('i5 CREATE INBOX'), /^i5 NO \[ALREADYEXISTS\]/m);
    const list = await imap.command('i6 LIST (SPECIAL-USE) "" "*" RETURN (STATUS (MESSAGES UIDNEXT SIZE))');
    assert.match(
      list,
      /^\* LIST \(\\HasNoChildren \\Archive\) "\/" Projects\/Old\r\n\* STATUS Projects\/Old \(MESSAGES 0 UIDNEXT 1 SIZE 0\)\r\n/m,
    );
    assert.doesNotMatch(list, /LIST \([^)]*\) "\/" INBOX/);
    assert.match(await imap.command('i7 LIST "" %'), /^\* LIST \(\\HasChildren\) "\/" Projects\r\n/m);
    assert.match(await imap.command('i8 RENAME Projects Done'), /^i8 OK/m);
    assert.match(await imap.command('i9 LIST "" Done/*'), /^\* LIST \(\\HasNoChildren \\Archive\) "\/" Done\/Old\r\n/m);
    assert.match(await imap.command('i10 DELETE Done/Old'), /^i10 OK/m);
    assert.match(await imap.command('i11 STATUS Done/Old (MESSAGES)'), /^i11 NO \[NONEXISTENT\]/m);
    assert.match(await imap.command('i12 SUBSCRIBE Done'), /^i12 OK/m);
    assert.match(await imap.command('i13 LSUB "" "*"'), /^\* LSUB \(\) "\/" Done\r\n/m);
    // A level that exists only as a parent (created through the store, not CREATE).
    await server.store.createMailbox(accountId, 'Orphan/Child');
    assert.match(await imap.command('i14 LIST "" %'), /^\* LIST \(\\Noselect \\HasChildren\) "\/" Orphan\r\n/m);
    assert.match(await imap.command('i15 LIST "" (Orphan)'), /^\* LIST \(\\NonExistent \\HasChildren\) "\/" Orphan\r\n/m);
  });

  test('MULTIAPPEND stores all messages with consecutive UIDs, COPY answers COPYUID, UID EXPUNGE removes only the named', async () => {
    await imap.command('m0 CREATE Multi');
    imap.write(
      appendLine('m1', 'Multi', [
        { raw: sampleMessage('m one'), flags: '\\Seen' },
        { raw: sampleMessage('m two') },
        { raw: sampleMessage('m three') },
      ]),
    );
    const appended = await imap.until(/^m1 .*\r\n/m);
    const validity = /APPENDUID (\d+) 1:3\]/.exec(appended)?.[1];
    assert.ok(validity, appended);
    assert.match(await imap.command('m2 STATUS Multi (MESSAGES UNSEEN UIDNEXT)'), /MESSAGES 3 UNSEEN 2 UIDNEXT 4/);
    await imap.command('m3 SELECT Multi');
    const archive = (await server.store.getMailbox(accountId, 'Archive'))!;
    assert.match(await imap.command('m4 UID COPY 2:3 Archive'), new RegExp(`^m4 OK \\[COPYUID ${archive.uidValidity} 2,3 1,2\\]`, 'm'));
    assert.match(await imap.command('m5 COPY 1 Nowhere'), /^m5 NO \[TRYCREATE\]/m);
    await imap.command('m6 STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    const expunged = await imap.command('m7 UID EXPUNGE 2');
    assert.match(expunged, /^\* 2 EXPUNGE\r\nm7 OK/m);
    assert.match(
      await imap.command('m8 FETCH 1:* (UID FLAGS)'),
      /^\* 1 FETCH \(UID 1 FLAGS \(\\Seen \\Deleted\)\)\r\n\* 2 FETCH \(UID 3 FLAGS \(\\Deleted\)\)/m,
    );
    // CLOSE expunges silently.
    const closed = await imap.command('m9 CLOSE');
    assert.doesNotMatch(closed, /EXPUNGE/);
    assert.match(await imap.command('m10 STATUS Multi (MESSAGES)'), /MESSAGES 0/);
  });

  test('EXAMINE is read-only; SEARCH answers ESEARCH once IMAP4rev2 is enabled; BINARY and RFC822.SIZE', async () => {
    await imap.command('e0 CREATE Exam');
    const raw = sampleMessage('Binary', 'SGVsbG8gYmluYXJ5IQ==\r\n', 'Content-Transfer-Encoding: base64\r\n');
    imap.write(appendLine('e1', 'Exam', [{ raw }]));
    await imap.until(/^e1 .*\r\n/m);
    const examined = await imap.command('e2 EXAMINE Exam');
    assert.match(examined, /^e2 OK \[READ-ONLY\]/m);
    assert.match(await imap.command('e3 STORE 1 +FLAGS (\\Seen)'), /^e3 NO \[READ-ONLY\]/m);
    const fetched = await imap.command('e4 FETCH 1 (RFC822.SIZE BODY[TEXT] FLAGS)');
    assert.match(fetched, new RegExp(`RFC822\\.SIZE ${raw.length} `));
    assert.match(fetched, /FLAGS \(\)/, 'no \\Seen on a read-only mailbox');
    assert.match(await imap.command('e5 FETCH 1 BINARY.SIZE[]'), /BINARY\.SIZE\[\] \d+/);
    assert.match(await imap.command('e6 SEARCH UNSEEN'), /^\* SEARCH 1\r\n/m);
    await imap.command('e7 ENABLE IMAP4rev2');
    assert.match(await imap.command('e8 SEARCH UNSEEN'), /^\* ESEARCH \(TAG "e8"\) ALL 1\r\n/m);
    assert.match(await imap.command('e9 UID SEARCH RETURN (COUNT) SUBJECT nothing-like-it'), /^\* ESEARCH \(TAG "e9"\) UID COUNT 0\r\n/m);
    assert.match(await imap.command('e10 SEARCH CHARSET KOI8-R ALL'), /^e10 NO \[BADCHARSET/m);
    assert.match(await imap.command('e11 FETCH 5 FLAGS'), /^e11 BAD /m);
  });

  test('quota: GETQUOTAROOT reports use and limit; APPEND over quota is refused with OVERQUOTA', async () => {
    await server.mta.app.get(AccountsService).update(accountId, { quotaBytes: 20_000 });
    const quota = await imap.command('q1 GETQUOTAROOT INBOX');
    assert.match(quota, /^\* QUOTAROOT INBOX ""\r\n\* QUOTA "" \(STORAGE \d+ 19\)\r\n/m);
    const big = sampleMessage('Too big', 'x'.repeat(30_000) + '\r\n');
    imap.write(appendLine('q2', 'INBOX', [{ raw: big }]));
    assert.match(await imap.until(/^q2 .*\r\n/m), /^q2 NO \[OVERQUOTA\]/m);
    assert.match(await imap.command('q3 STATUS INBOX (MESSAGES)'), /MESSAGES 0/);
    // A new session knows the quota at login: the literal is refused before it is sent.
    const fresh = await RawImap.open(server.imapsPort, true);
    await fresh.command('q4 LOGIN dave "dave password 1"');
    fresh.write(`q5 APPEND INBOX {${big.length}}\r\n`);
    assert.match(await fresh.until(/^q5 .*\r\n/m), /^q5 NO \[OVERQUOTA\]/m);
    fresh.close();
  });

  test('a session whose selected mailbox another session deletes is told BYE', async () => {
    await imap.command('x0 CREATE Doomed');
    const other = await RawImap.open(server.imapsPort, true);
    await other.command('y0 LOGIN dave "dave password 1"');
    await other.command('y1 SELECT Doomed');
    await imap.command('x1 DELETE Doomed');
    other.write('y2 NOOP\r\n');
    assert.match(await other.until(/^\* BYE .*\r\n/m), /no longer exists/);
    await other.waitClosed();
  });

  test('multipart messages: BODYSTRUCTURE, BODY[part], BINARY[part] decoded, SEARCH FROM by address', async () => {
    await imap.command('p0 CREATE Parts');
    const raw = Buffer.from(
      'From: "Erin Example" <erin@example.test>\r\nTo: dave@example.test\r\nSubject: Parts\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFirst part.\r\n' +
        '--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b1--\r\n',
    );
    imap.write(appendLine('p1', 'Parts', [{ raw }]));
    await imap.until(/^p1 .*\r\n/m);
    await imap.command('p2 SELECT Parts');
    const structure = await imap.command('p3 FETCH 1 BODYSTRUCTURE');
    assert.match(structure, /BODYSTRUCTURE \(\("text" "plain" \("charset" "utf-8"\) NIL NIL "7bit" 11 \d+ /i);
    assert.match(structure, /"mixed" \("boundary" "b1"\)/i);
    assert.match(await imap.command('p4 FETCH 1 BODY.PEEK[1]'), /BODY\[1\] \{11\}\r\nFirst part\.\)/);
    // RFC 3516: the decoded bytes hold NUL, so they come as literal8.
    const binary = await imap.command('p5 FETCH 1 BINARY.PEEK[2]');
    assert.ok(binary.includes('BINARY[2] ~{4}\r\n\u0000\u0001\u0002\u0003)'), JSON.stringify(binary));
    assert.match(await imap.command('p6 SEARCH FROM erin@example.test'), /^\* (E?SEARCH.*\b1)\r\n/m);
    assert.match(await imap.command('p7 SEARCH FROM "Erin Example"'), /^\* (E?SEARCH.*\b1)\r\n/m);
    const labelled = await imap.command('p9 STORE 1 +FLAGS ($Label1)');
    assert.match(labelled, /^\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft \$Label1\)\r\n/m);
    assert.match(labelled, /^\* OK \[PERMANENTFLAGS \(.*\$Label1 \\\*\)\]/m);
    assert.match(await imap.command('p8 FETCH 1 ENVELOPE'), /ENVELOPE \(NIL "Parts" \(\("Erin Example" NIL "erin" "example\.test"\)\)/);
  });
});
