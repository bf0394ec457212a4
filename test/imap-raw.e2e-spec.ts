import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { ScramClient } from '@postern/sasl';
import { AccountsService } from '@postern/accounts';
import { childEnv, eventually, runNode, selfSignedCertificate } from '@postern/testing';
import { ImapTestServer, RawImap, sampleMessage, startImapTestServer } from './imap-helpers';

describe('IMAP over raw sockets', { timeout: 60_000 }, () => {
  let server: ImapTestServer;
  let accountId: string;

  before(async () => {
    server = await startImapTestServer();
    accountId = await server.account('rawuser', 'correct horse battery');
  });
  after(async () => {
    await server?.close();
  });

  async function loggedIn(): Promise<RawImap> {
    const imap = await RawImap.open(server.imapsPort, true);
    const login = await imap.command('l1 LOGIN rawuser "correct horse battery"');
    assert.match(login, /^l1 OK \[CAPABILITY [^\]]*IMAP4rev2[^\]]*\] /m);
    return imap;
  }

  test('before TLS: LOGINDISABLED, LOGIN refused, STARTTLS then LOGIN works', async () => {
    const imap = await RawImap.open(server.imapPort);
    const caps = await imap.command('a1 CAPABILITY');
    assert.match(caps, /^\* CAPABILITY .*STARTTLS.*LOGINDISABLED/m);
    assert.doesNotMatch(caps, /AUTH=PLAIN/);
    assert.match(await imap.command('a2 LOGIN rawuser "correct horse battery"'), /^a2 NO \[PRIVACYREQUIRED\]/m);
    await imap.startTls('a3');
    const after = await imap.command('a4 CAPABILITY');
    assert.match(after, /AUTH=PLAIN/);
    assert.doesNotMatch(after, /LOGINDISABLED/);
    assert.match(await imap.command('a5 LOGIN rawuser "wrong"'), /^a5 NO \[AUTHENTICATIONFAILED\]/m);
    assert.match(await imap.command('a6 LOGIN rawuser "correct horse battery"'), /^a6 OK /m);
    assert.equal(server.mta.imap.status()[0].sessions, 1);
    imap.close();
    // The session is let go once the upgraded connection closes.
    await eventually(() => Promise.resolve(server.mta.imap.status()[0].sessions === 0), {
      timeoutMs: 5000,
      what: 'session count back to 0',
    });
  });

  test('commands sent after STARTTLS in the same packet are discarded, not run under TLS', async () => {
    const imap = await RawImap.open(server.imapPort);
    imap.write('z1 STARTTLS\r\nz2 LOGIN rawuser "correct horse battery"\r\n');
    await imap.until(/^z1 OK .*\r\n/m);
    await imap.startTlsHandshake();
    const answer = await imap.command('z3 NOOP');
    assert.doesNotMatch(answer, /z2/);
    assert.match(await imap.command('z4 SELECT INBOX'), /^z4 BAD SELECT is not allowed before authentication/m);
    imap.close();
  });

  test('a non-synchronizing literal over the limit ends the connection', async () => {
    const imap = await loggedIn();
    imap.write('n1 APPEND INBOX {999999999+}\r\nsome bytes');
    assert.match(await imap.until(/^n1 .*\r\n/m), /^n1 NO \[TOOBIG\]/m);
    assert.match(await imap.until(/^\* BYE .*\r\n/m), /BYE/);
    await imap.waitClosed();
  });

  test('AUTHENTICATE PLAIN with an initial response and with a continuation', async () => {
    const imap = await RawImap.open(server.imapsPort, true);
    const plain = Buffer.from('\0rawuser\0correct horse battery').toString('base64');
    assert.match(await imap.command(`a1 AUTHENTICATE PLAIN ${plain}`), /^a1 OK /m);
    imap.close();
    const second = await RawImap.open(server.imapsPort, true);
    second.write('b1 AUTHENTICATE PLAIN\r\n');
    await second.until(/^\+ \r\n/m);
    second.write(Buffer.from('\0rawuser\0nope').toString('base64') + '\r\n');
    assert.match(await second.until(/^b1 .*\r\n/m), /^b1 NO \[AUTHENTICATIONFAILED\]/m);
    second.close();
  });

  test('AUTHENTICATE SCRAM-SHA-256 before TLS and SCRAM-SHA-256-PLUS with tls-exporter channel binding', async () => {
    const plain = await RawImap.open(server.imapPort);
    const caps = await plain.command('s1 CAPABILITY');
    assert.match(caps, /AUTH=SCRAM-SHA-256/);
    assert.doesNotMatch(caps, /AUTH=PLAIN|-PLUS/);
    const client = new ScramClient('sha256', 'rawuser', 'correct horse battery');
    plain.write(`s2 AUTHENTICATE SCRAM-SHA-256 ${Buffer.from(client.first()).toString('base64')}\r\n`);
    const serverFirst = Buffer.from(/^\+ (\S+)\r\n/m.exec(await plain.until(/^\+ \S+\r\n/m))![1], 'base64').toString();
    plain.write(Buffer.from(client.final(serverFirst)).toString('base64') + '\r\n');
    const serverFinal = Buffer.from(/^\+ (\S+)\r\n/m.exec(await plain.until(/^\+ \S+\r\n/m))![1], 'base64').toString();
    client.verify(serverFinal);
    plain.write('\r\n');
    assert.match(await plain.until(/^s2 .*\r\n/m), /^s2 OK \[CAPABILITY /m);
    plain.close();

    const tls = await RawImap.open(server.imapsPort, true);
    assert.match(await tls.command('t1 CAPABILITY'), /AUTH=SCRAM-SHA-256-PLUS/);
    const bound = new ScramClient('sha256', 'rawuser', 'correct horse battery', {
      channelBinding: { type: 'tls-exporter', data: tls.channelBinding() },
    });
    tls.write(`t2 AUTHENTICATE SCRAM-SHA-256-PLUS ${Buffer.from(bound.first()).toString('base64')}\r\n`);
    const first = Buffer.from(/^\+ (\S+)\r\n/m.exec(await tls.until(/^\+ \S+\r\n/m))![1], 'base64').toString();
    tls.write(Buffer.from(bound.final(first)).toString('base64') + '\r\n');
    const final = Buffer.from(/^\+ (\S+)\r\n/m.exec(await tls.until(/^\+ \S+\r\n/m))![1], 'base64').toString();
    bound.verify(final);
    tls.write('\r\n');
    assert.match(await tls.until(/^t2 .*\r\n/m), /^t2 OK /m);
    tls.close();

    // A wrong password fails with AUTHENTICATIONFAILED.
    const wrong = await RawImap.open(server.imapsPort, true);
    const bad = new ScramClient('sha256', 'rawuser', 'not it');
    wrong.write(`u1 AUTHENTICATE SCRAM-SHA-256 ${Buffer.from(bad.first()).toString('base64')}\r\n`);
    const f = Buffer.from(/^\+ (\S+)\r\n/m.exec(await wrong.until(/^\+ \S+\r\n/m))![1], 'base64').toString();
    wrong.write(Buffer.from(bad.final(f)).toString('base64') + '\r\n');
    assert.match(await wrong.until(/^u1 .*\r\n/m), /^u1 NO \[AUTHENTICATIONFAILED\]/m);
    wrong.close();
  });

  test('AUTHENTICATE EXTERNAL with a client certificate whose key is registered to the account', async () => {
    const laptop = await selfSignedCertificate(['raw-laptop']);
    const stranger = await selfSignedCertificate(['stranger']);
    await server.mta.app.get(AccountsService).addTlsKey('rawuser', laptop.cert, 'laptop');
    const withKey = await RawImap.open(server.imapsPort, true, laptop);
    assert.match(await withKey.command('x1 CAPABILITY'), /AUTH=EXTERNAL/);
    assert.match(await withKey.command('x2 AUTHENTICATE EXTERNAL ='), /^x2 OK \[CAPABILITY /m);
    assert.match(await withKey.command('x3 SELECT INBOX'), /^x3 OK/m);
    withKey.close();
    const other = await RawImap.open(server.imapsPort, true, stranger);
    assert.match(await other.command('y1 AUTHENTICATE EXTERNAL ='), /^y1 NO \[AUTHENTICATIONFAILED\]/m);
    other.close();
    const none = await RawImap.open(server.imapsPort, true);
    assert.doesNotMatch(await none.command('z1 CAPABILITY'), /AUTH=EXTERNAL/);
    none.close();
  });

  test('a garbage first command closes the connection; later bad commands get BAD with a reason', async () => {
    const garbage = await RawImap.open(server.imapPort);
    garbage.write('GET / HTTP/1.1\r\n');
    assert.match(await garbage.until(/^\* BYE .*\r\n/m), /BYE/);
    await garbage.waitClosed();

    const tlsOnPlain = await RawImap.open(server.imapPort);
    tlsOnPlain.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    await tlsOnPlain.waitClosed();

    const imap = await RawImap.open(server.imapPort);
    assert.match(await imap.command('a1 NOOP'), /^a1 OK/m);
    imap.write('a2 FETCH 1:* (FLAGS\r\n');
    assert.match(await imap.until(/^a2 .*\r\n/m), /^a2 BAD .+/m);
    assert.match(await imap.command('a3 FROBNICATE'), /^a3 BAD unknown command FROBNICATE/m);
    assert.match(await imap.command('a4 SELECT INBOX'), /^a4 BAD SELECT is not allowed before authentication/m);
    assert.equal(imap.closed, false);
    imap.close();
  });

  test('literals, quoted strings, partial fetch and UTF-7 mailbox names', async () => {
    const imap = await loggedIn();
    imap.write('c1 CREATE {16}\r\n');
    await imap.until(/^\+ .*\r\n/m);
    imap.write('Entw&APw-rfe/a"b\r\n');
    assert.match(await imap.until(/^c1 .*\r\n/m), /^c1 OK/m);
    assert.match(await imap.command('c2 CREATE "Entw&APw-rfe/sub \\"q\\""'), /^c2 OK/m);
    const list = await imap.command('c3 LIST "" "Entw*"');
    assert.match(list, /^\* LIST \(\\HasChildren\) "\/" Entw&APw-rfe\r\n/m);
    assert.match(list, /^\* LIST \(\\HasNoChildren\) "\/" "Entw&APw-rfe\/sub \\"q\\""\r\n/m);
    assert.ok((await server.store.listMailboxes(accountId)).some((m) => m.name === 'Entwürfe/a"b'));
    // UTF8=ACCEPT: names in UTF-8.
    await imap.command('c4 ENABLE UTF8=ACCEPT');
    assert.match(await imap.command('c5 LIST "" "Entw*"'), /^\* LIST \(\\HasChildren\) "\/" "Entwürfe"\r\n/m);

    const raw = sampleMessage('Partial fetch');
    imap.write(`c6 APPEND INBOX (\\Flagged) {${raw.length}+}\r\n`);
    imap.write(Buffer.concat([raw, Buffer.from('\r\n')]));
    assert.match(await imap.until(/^c6 .*\r\n/m), /^c6 OK \[APPENDUID \d+ 1\]/m);
    await imap.command('c7 SELECT INBOX');
    const partial = await imap.command('c8 FETCH 1 (BODY.PEEK[]<0.4> BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[TEXT]<6.5>)');
    assert.match(partial, /BODY\[\]<0> \{4\}\r\nFrom/);
    assert.match(partial, /BODY\[HEADER\.FIELDS \(Subject\)\] \{26\}\r\nSubject: Partial fetch\r\n\r\n/);
    assert.match(partial, /BODY\[TEXT\]<6> \{5\}\r\nthere/);
    assert.doesNotMatch(partial, /\\Seen/);
    const full = await imap.command('c9 FETCH 1 BODY[TEXT]');
    assert.match(full, /FLAGS \(\\Flagged \\Seen\)|FLAGS \(\\Seen \\Flagged\)/);
    imap.close();
  });

  test('BODYSTRUCTURE and ENVELOPE write multipart bodies and address lists without SP between them (RFC 9051 9)', async () => {
    const imap = await loggedIn();
    await imap.command('s0 CREATE Syntax');
    const raw = Buffer.from(
      [
        'From: Ann <ann@example.com>',
        'To: bob@example.org, Carl <carl@example.net>',
        'Subject: two parts',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'plain',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>html</p>',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    imap.write(`s1 APPEND Syntax {${raw.length}+}\r\n`);
    imap.write(Buffer.concat([raw, Buffer.from('\r\n')]));
    assert.match(await imap.until(/^s1 .*\r\n/m), /^s1 OK/m);
    await imap.command('s2 SELECT Syntax');
    const fetched = await imap.command('s3 FETCH 1 (BODYSTRUCTURE ENVELOPE)');
    assert.match(fetched, /BODYSTRUCTURE \(\("text" "plain" \("charset" "utf-8"\)[^\r]*?\)\("text" "html" /);
    assert.match(fetched, /\("alternative" |\) "alternative" /);
    assert.match(fetched, /\(\(NIL NIL "bob" "example\.org"\)\("Carl" NIL "carl" "example\.net"\)\)/);
    imap.close();
  });

  test('a literal over the limit is refused before it is sent', async () => {
    const imap = await loggedIn();
    imap.write('d1 APPEND INBOX {999999999}\r\n');
    assert.match(await imap.until(/^d1 .*\r\n/m), /^d1 NO \[TOOBIG\]/m);
    assert.match(await imap.command('d2 NOOP'), /^d2 OK/m);
    imap.close();
  });

  test('a client that disconnects mid-literal leaves nothing stored', async () => {
    const before = await server.store.getMailbox(accountId, 'INBOX');
    const imap = await loggedIn();
    imap.write('e1 APPEND INBOX {1000}\r\n');
    await imap.until(/^\+ .*\r\n/m);
    imap.write(sampleMessage('half'));
    imap.close();
    // Another command on another session proves the server kept going.
    const check = await loggedIn();
    assert.match(
      await check.command('e2 STATUS INBOX (MESSAGES UIDNEXT)'),
      new RegExp(`MESSAGES ${before?.total} UIDNEXT ${before?.uidNext}\\)`),
    );
    check.close();
  });

  test('two sessions on one mailbox see each other’s changes with consistent sequence numbers', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    await a.command('f0 CREATE Shared');
    await server.store.append(accountId, (await server.store.getMailbox(accountId, 'Shared'))!.id, [
      { raw: sampleMessage('one') },
      { raw: sampleMessage('two') },
      { raw: sampleMessage('three') },
    ]);
    assert.match(await a.command('f1 SELECT Shared'), /^\* 3 EXISTS/m);
    assert.match(await b.command('g1 SELECT Shared'), /^\* 3 EXISTS/m);
    await a.command('f2 STORE 2 +FLAGS (\\Deleted)');
    assert.match(await a.command('f3 EXPUNGE'), /^\* 2 EXPUNGE/m);
    // b still numbers three messages until it is told: FETCH by number holds the EXPUNGE back.
    const fetch = await b.command('g2 FETCH 3 (UID)');
    assert.match(fetch, /^\* 3 FETCH \(UID 3\)/m);
    assert.doesNotMatch(fetch, /EXPUNGE/);
    const noop = await b.command('g3 NOOP');
    assert.match(noop, /^\* 2 EXPUNGE/m);
    assert.match(await b.command('g4 FETCH 2 (UID)'), /^\* 2 FETCH \(UID 3\)/m);
    // A flag change by b reaches a as an unsolicited FETCH.
    await b.command('g5 STORE 1 +FLAGS (\\Answered)');
    assert.match(await a.command('f4 NOOP'), /^\* 1 FETCH \(UID 1 FLAGS \(\\Answered\)\)/m);
    a.close();
    b.close();
  });

  test('IDLE is told at once when a message is delivered to the mailbox', async () => {
    const imap = await loggedIn();
    await imap.command('h0 CREATE Idle');
    await imap.command('h1 SELECT Idle');
    imap.write('h2 IDLE\r\n');
    await imap.until(/^\+ idling\r\n/m);
    const mailbox = await server.store.getMailbox(accountId, 'Idle');
    await server.store.append(accountId, mailbox!.id, [{ raw: sampleMessage('delivered') }]);
    assert.match(await imap.until(/^\* 1 EXISTS\r\n/m), /EXISTS/);
    imap.write('DONE\r\n');
    assert.match(await imap.until(/^h2 .*\r\n/m), /^h2 OK/m);
    imap.close();
  });

  test('IDLE hears of a delivery made by another process (Redis pub/sub, not in-process events)', async () => {
    const imap = await loggedIn();
    await imap.command('k0 CREATE Remote');
    await imap.command('k1 SELECT Remote');
    imap.write('k2 IDLE\r\n');
    await imap.until(/^\+ idling\r\n/m);
    const child = await runNode(join(__dirname, 'imap-deliver-process.js'), [accountId, 'Remote', 'From afar'], childEnv(server.env.env));
    assert.equal(child.code, 0, child.stderr);
    assert.match(await imap.until(/^\* 1 EXISTS\r\n/m), /EXISTS/);
    imap.write('DONE\r\n');
    await imap.until(/^k2 OK.*\r\n/m);
    assert.match(await imap.command('k3 FETCH 1 (ENVELOPE)'), /"From afar"/);
    imap.close();
  });

  test('QRESYNC: SELECT with the last known modseq reports VANISHED (EARLIER) and changed flags; CONDSTORE STORE UNCHANGEDSINCE', async () => {
    const imap = await loggedIn();
    await imap.command('q0 CREATE Resync');
    const mailbox = (await server.store.getMailbox(accountId, 'Resync'))!;
    await server.store.append(accountId, mailbox.id, [
      { raw: sampleMessage('r1') },
      { raw: sampleMessage('r2') },
      { raw: sampleMessage('r3') },
    ]);
    assert.match(await imap.command('q1 ENABLE QRESYNC'), /^\* ENABLED QRESYNC/m);
    const selected = await imap.command('q2 SELECT Resync');
    const modseq = /HIGHESTMODSEQ (\d+)/.exec(selected)?.[1];
    const validity = /UIDVALIDITY (\d+)/.exec(selected)?.[1];
    assert.ok(modseq && validity);
    await imap.command('q3 UNSELECT');
    await server.store.storeFlags({ accountId, mailboxId: mailbox.id, uids: [1], operation: 'add', flags: ['\\Seen'] });
    await server.store.remove({ accountId, mailboxId: mailbox.id, uids: [3] });
    const resync = await imap.command(`q4 SELECT Resync (QRESYNC (${validity} ${modseq} 1:3))`);
    assert.match(resync, /^\* 2 EXISTS/m);
    assert.match(resync, /^\* VANISHED \(EARLIER\) 3\r\n/m);
    assert.match(resync, /^\* 1 FETCH \(UID 1 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)/m);
    assert.doesNotMatch(resync, /UID 2 FLAGS/);
    const fetched = await imap.command(`q5 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    assert.match(fetched, /^\* VANISHED \(EARLIER\) 3\r\n/m);
    assert.match(fetched, /^\* 1 FETCH \(UID 1 FLAGS \(\\Seen\) MODSEQ/m);
    const stored = await imap.command(`q6 STORE 1,2 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Flagged)`);
    assert.match(stored, /^\* 2 FETCH \(FLAGS \(\\Flagged\) MODSEQ/m);
    assert.match(stored, /^q6 OK \[MODIFIED 1\]/m);
    const esearch = await imap.command('q7 UID SEARCH RETURN (MIN MAX COUNT SAVE) ALL');
    assert.match(esearch, /^\* ESEARCH \(TAG "q7"\) UID MIN 1 MAX 2 COUNT 2\r\n/m);
    assert.match(await imap.command('q8 UID FETCH $ (UID)'), /^\* 2 FETCH \(UID 2\)/m);
    imap.close();
  });
});
