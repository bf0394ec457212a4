import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deriveScramSecret, scramServerSignature, verifyScramClientProof } from '@postern/sasl';
import { ScriptedSmtpPeer, freePort, selfSignedCertificate, startScriptedSmtpPeer } from '@postern/testing';
import { SmtpClientError } from './errors';
import { connectSmtp } from './smtp-client';

const base = { host: 'localhost', localHostname: 'client.test', tlsMode: 'none' as const };
const message = Buffer.from('Subject: t\r\n\r\n.leading dot\r\nbody');
const peers: ScriptedSmtpPeer[] = [];

async function peer(options: Parameters<typeof startScriptedSmtpPeer>[0]): Promise<ScriptedSmtpPeer> {
  const p = await startScriptedSmtpPeer(options);
  peers.push(p);
  return p;
}

/** A peer answering EHLO with `extensions`, MAIL/RCPT with 250 unless `replies` says otherwise. */
const script =
  (extensions: string[], replies: Record<string, string> = {}) =>
  (line: string): string | null => {
    if (line in replies) return replies[line];
    if (line.startsWith('EHLO'))
      return ['250-peer.test', ...extensions].map((e, i, all) => `${i === all.length - 1 ? e.replace('250-', '250 ') : e}`).join('\r\n');
    if (line.startsWith('MAIL') || line.startsWith('RCPT') || line === 'RSET') return '250 2.0.0 ok';
    if (line === 'DATA') return '354 go on';
    if (line === 'QUIT') return '221 2.0.0 bye';
    return '502 5.5.1 unknown';
  };
const ext = (...names: string[]) => names.map((n) => `250-${n}`);

const isClientError = (check: (err: SmtpClientError) => void) => (err: unknown) => {
  assert.ok(err instanceof SmtpClientError, String(err));
  check(err);
  return true;
};

after(() => Promise.all(peers.map((p) => p.close())));

describe('SMTP client against a scripted peer', () => {
  it('pipelines MAIL, every RCPT and DATA in one write and maps each reply to its recipient (RFC 2920)', async () => {
    const p = await peer({
      greeting: '220 peer.test ESMTP',
      respond: script(ext('PIPELINING', 'SIZE 1000000', 'ENHANCEDSTATUSCODES', 'LIMITS RCPTMAX=3'), {
        'RCPT TO:<b@x.test>': '550 5.1.1 no such user',
      }),
    });
    const session = await connectSmtp({ ...base, port: p.port });
    assert.deepEqual([session.extensions.rcptMax, session.extensions.size, session.greeting.text], [3, 1000000, 'peer.test ESMTP']);
    const result = await session.send({ mailFrom: 'from@x.test', recipients: ['a@x.test', 'b@x.test', 'c@x.test'], data: message });
    await session.quit();
    const envelope = `MAIL FROM:<from@x.test> SIZE=${message.length}\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n`;
    assert.ok(p.chunks.includes(envelope), `one chunk for the whole envelope: ${JSON.stringify(p.chunks)}`);
    assert.deepEqual(
      result.recipients.map((r) => [r.address, r.accepted, r.reply.code, r.reply.enhanced]),
      [
        ['a@x.test', true, 250, '2.0.0'],
        ['b@x.test', false, 550, '5.1.1'],
        ['c@x.test', true, 250, '2.0.0'],
      ],
    );
    assert.deepEqual(result.data, { code: 250, enhanced: '2.0.0', text: 'accepted' });
    assert.ok(p.received().includes(`${envelope}Subject: t\r\n\r\n..leading dot\r\nbody\r\n.\r\nQUIT\r\n`), p.received());
  });

  it('without PIPELINING sends one command at a time and records a 452 on the third RCPT', async () => {
    const p = await peer({ greeting: '220 peer.test', respond: script([], { 'RCPT TO:<c@x.test>': '452 4.5.3 too many recipients' }) });
    const session = await connectSmtp({ ...base, port: p.port });
    const result = await session.send({ mailFrom: 'f@x.test', recipients: ['a@x.test', 'b@x.test', 'c@x.test'], data: message });
    await session.quit();
    assert.deepEqual(
      result.recipients.map((r) => [r.accepted, r.reply.code]),
      [
        [true, 250],
        [true, 250],
        [false, 452],
      ],
    );
    assert.equal(result.data?.code, 250);
    assert.deepEqual(p.chunks.slice(1, 6), [
      'MAIL FROM:<f@x.test>\r\n',
      'RCPT TO:<a@x.test>\r\n',
      'RCPT TO:<b@x.test>\r\n',
      'RCPT TO:<c@x.test>\r\n',
      'DATA\r\n',
    ]);
  });

  it('a 4xx to MAIL refuses every recipient with that reply, sends no RCPT, and the next transaction starts with RSET', async () => {
    let mails = 0;
    const p = await peer({
      greeting: '220 peer.test',
      respond: (line) => (line.startsWith('MAIL') && mails++ === 0 ? '451 4.3.0 try again later' : script([])(line)),
    });
    const session = await connectSmtp({ ...base, port: p.port });
    const first = await session.send({ mailFrom: 'f@x.test', recipients: ['a@x.test', 'b@x.test'], data: message });
    assert.equal(first.data, null);
    assert.deepEqual(
      first.recipients.map((r) => [r.accepted, r.reply.code, r.reply.enhanced]),
      [
        [false, 451, '4.3.0'],
        [false, 451, '4.3.0'],
      ],
    );
    const second = await session.send({ mailFrom: 'f@x.test', recipients: ['a@x.test'], data: message });
    await session.quit();
    assert.equal(second.data?.code, 250);
    assert.match(
      p.received(),
      /^EHLO client\.test\r\nMAIL FROM:<f@x\.test>\r\nRSET\r\nMAIL FROM:<f@x\.test>\r\nRCPT TO:<a@x\.test>\r\nDATA\r\n/,
    );
  });

  it('ends a pipelined DATA that got 354 after every RCPT was refused with a lone dot, sending no content (RFC 2920 3.1)', async () => {
    const p = await peer({ greeting: '220 peer.test', respond: script(ext('PIPELINING'), { 'RCPT TO:<a@x.test>': '550 5.1.1 unknown' }) });
    const session = await connectSmtp({ ...base, port: p.port });
    const result = await session.send({ mailFrom: 'f@x.test', recipients: ['a@x.test'], data: message });
    await session.quit();
    assert.equal(result.data, null);
    assert.equal(result.recipients[0].reply.code, 550);
    assert.ok(p.received().endsWith('DATA\r\n.\r\nQUIT\r\n'), p.received());
  });

  it('reports a 421 greeting as a temporary error and a 554 greeting as a permanent one, with the reply', async () => {
    for (const [greeting, temporary] of [
      ['421 4.3.2 too busy', true],
      ['554 5.7.1 go away', false],
    ] as const) {
      const p = await peer({ greeting, respond: () => null });
      await assert.rejects(
        connectSmtp({ ...base, port: p.port }),
        isClientError((err) =>
          assert.deepEqual([err.stage, err.temporary, err.reply?.code], ['greeting', temporary, Number(greeting.slice(0, 3))]),
        ),
      );
    }
  });

  it('falls back to HELO when EHLO gets a 5xx, with no extensions', async () => {
    const p = await peer({
      greeting: '220 old.test',
      respond: script([], { 'EHLO client.test': '500 5.5.1 what?', 'HELO client.test': '250 old.test' }),
    });
    const session = await connectSmtp({ ...base, port: p.port });
    assert.equal(session.extensions.pipelining, false);
    await session.quit();
    assert.ok(p.received().startsWith('EHLO client.test\r\nHELO client.test\r\n'));
  });

  it('times out on a peer that stalls, with a temporary error, and closes the connection', async () => {
    const p = await peer({ greeting: '220 peer.test', respond: (line) => (line.startsWith('EHLO') ? '250 peer.test' : null) });
    const session = await connectSmtp({ ...base, port: p.port, timeouts: { commandMs: 200 } });
    const started = Date.now();
    await assert.rejects(
      session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: message }),
      isClientError((err) => assert.deepEqual([err.stage, err.code, err.temporary], ['mail', 'ETIMEDOUT', true])),
    );
    assert.ok(Date.now() - started < 2000);
    await assert.rejects(session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: message }), SmtpClientError);
  });

  it('a peer closing the connection mid-DATA is a temporary error at stage data', async () => {
    const p = await peer({
      greeting: '220 peer.test',
      respond: script([]),
      afterData: (_message, { socket }) => {
        socket.destroy();
        return null;
      },
    });
    const session = await connectSmtp({ ...base, port: p.port });
    await assert.rejects(
      session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: message }),
      isClientError((err) => assert.deepEqual([err.stage, err.temporary, err.code], ['data', true, 'ECONNRESET'])),
    );
    await session.quit(); // never throws
  });

  it('refuses non-ASCII recipients locally with 553 5.6.7 when SMTPUTF8 is not offered, and delivers the rest', async () => {
    const p = await peer({ greeting: '220 peer.test', respond: script(ext('8BITMIME')) });
    const session = await connectSmtp({ ...base, port: p.port });
    const data = Buffer.from('Subject: caf\xc3\xa9\r\n\r\nhi\r\n', 'latin1');
    const result = await session.send({ mailFrom: 'f@x.test', recipients: ['jöran@x.test', 'a@x.test'], data });
    await session.quit();
    assert.deepEqual(
      result.recipients.map((r) => [r.address, r.accepted, r.reply.code, r.reply.enhanced]),
      [
        ['jöran@x.test', false, 553, '5.6.7'],
        ['a@x.test', true, 250, '2.0.0'],
      ],
    );
    assert.ok(p.received().includes('MAIL FROM:<f@x.test> BODY=8BITMIME\r\nRCPT TO:<a@x.test>\r\nDATA\r\n'), p.received());
    assert.ok(!p.received().includes('j\xc3\xb6ran'));
  });

  it('fails with TLS_UNAVAILABLE (temporary) when STARTTLS is required but not offered', async () => {
    const p = await peer({ greeting: '220 peer.test', respond: script([]) });
    await assert.rejects(
      connectSmtp({ ...base, port: p.port, tlsMode: 'starttls-required' }),
      isClientError((err) => assert.deepEqual([err.stage, err.code, err.temporary], ['starttls', 'TLS_UNAVAILABLE', true])),
    );
  });

  it('reports a refused connection as a temporary connect error', async () => {
    const port = await freePort();
    await assert.rejects(
      connectSmtp({ ...base, host: '127.0.0.1', port }),
      isClientError((err) => assert.deepEqual([err.stage, err.code, err.temporary], ['connect', 'ECONNREFUSED', true])),
    );
  });

  it('authenticates with SCRAM-SHA-256 over implicit TLS, checks the server signature and redacts the transcript', async () => {
    const cert = await selfSignedCertificate(['localhost']);
    const secret = deriveScramSecret('sha256', 'pencil sharp', { iterations: 4096 });
    let authMessage = '';
    let serverFirst = '';
    const p = await peer({
      greeting: '220 peer.test',
      tls: cert,
      respond: (line, { lines }) => {
        const previous = lines[lines.length - 2] ?? '';
        if (line.startsWith('AUTH SCRAM-SHA-256 ')) {
          const clientFirstBare = Buffer.from(line.split(' ')[2], 'base64').toString().replace(/^n,,/, '');
          const nonce = /r=([^,]+)/.exec(clientFirstBare)![1];
          serverFirst = `r=${nonce}srv,s=${secret.salt},i=${secret.iterations}`;
          authMessage = clientFirstBare + ',' + serverFirst;
          return `334 ${Buffer.from(serverFirst).toString('base64')}`;
        }
        if (previous.startsWith('AUTH SCRAM-SHA-256 ')) {
          const clientFinal = Buffer.from(line, 'base64').toString();
          authMessage += ',' + clientFinal.replace(/,p=.*$/, '');
          const proof = Buffer.from(/p=(.*)$/.exec(clientFinal)![1], 'base64');
          if (!verifyScramClientProof('sha256', secret, authMessage, proof)) return '535 5.7.8 bad proof';
          return `334 ${Buffer.from(`v=${scramServerSignature('sha256', secret, authMessage).toString('base64')}`).toString('base64')}`;
        }
        if (line === '' && previous !== '') return '235 2.7.0 welcome';
        return script(ext('AUTH PLAIN SCRAM-SHA-256 CRAM-MD5'))(line);
      },
    });
    const transcript: string[] = [];
    const session = await connectSmtp({
      ...base,
      port: p.port,
      tlsMode: 'implicit',
      tls: { verify: true, ca: cert.cert },
      auth: { username: 'user', password: 'pencil sharp' },
      onLine: (direction, line) => transcript.push(`${direction} ${line}`),
    });
    assert.equal(session.tls?.authorized, true);
    await session.quit();
    assert.deepEqual(
      transcript.filter((l) => l.startsWith('C ')),
      ['C EHLO client.test', 'C AUTH SCRAM-SHA-256 ***', 'C ***', 'C ***', 'C QUIT'],
    );
    assert.ok(transcript.includes('S 235 2.7.0 welcome'));
  });

  it('fails SCRAM with AUTH_FAILED when the server signature is wrong (the server does not know the password)', async () => {
    const cert = await selfSignedCertificate(['localhost']);
    const p = await peer({
      greeting: '220 peer.test',
      tls: cert,
      respond: (line, { lines }) => {
        if (line.startsWith('AUTH SCRAM-SHA-256 ')) {
          const nonce = /r=([^,]+)/.exec(Buffer.from(line.split(' ')[2], 'base64').toString())![1];
          return `334 ${Buffer.from(`r=${nonce}x,s=QSXCR+Q6sek8bf92,i=4096`).toString('base64')}`;
        }
        if (lines[lines.length - 2]?.startsWith('AUTH SCRAM')) return `334 ${Buffer.from('v=AAAA').toString('base64')}`;
        if (line === '*') return '501 5.7.0 cancelled';
        return script(ext('AUTH SCRAM-SHA-256'))(line);
      },
    });
    await assert.rejects(
      connectSmtp({ ...base, port: p.port, tlsMode: 'implicit', tls: { verify: false }, auth: { username: 'u', password: 'p' } }),
      isClientError((err) => assert.deepEqual([err.stage, err.code, err.temporary, err.reply?.code], ['auth', 'AUTH_FAILED', false, 535])),
    );
  });
});
