import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { selfSignedCertificate, type TestCertificate } from '@postern/testing';
import type { SmtpAuthenticator, SmtpSaslSession } from './auth-command';
import { CertificateStore } from './certificates';
import { SmtpEnvelope, SmtpReplyError, SmtpSessionHooks, SmtpSessionInfo } from './hooks';
import { DEFAULT_SMTP_LIMITS, type SmtpLimits } from './ip-limits';
import { createSmtpListener, type SmtpListener, type SmtpListenerOptions } from './listener';
import { RawSmtp } from './raw-smtp.test-helper';

const silent = pino({ level: 'silent' });

interface Received {
  session: SmtpSessionInfo;
  envelope: SmtpEnvelope;
  raw: Buffer;
}

/** PLAIN against one fixed user, as the listener sees any SASL session. */
const plainOnly: SmtpAuthenticator = {
  mechanisms: () => ['PLAIN'],
  createSession: (): SmtpSaslSession => {
    const check = (response: Buffer) => {
      const [, user, password] = response.toString('utf8').split('\0');
      return Promise.resolve(
        user === 'alice' && password === 'secret'
          ? { success: { username: 'alice', accountId: 'acc-1' } }
          : { failure: { reason: 'invalid-credentials' as const, text: 'invalid credentials' } },
      );
    };
    return {
      start: async (initial) => (initial === undefined ? { challenge: Buffer.alloc(0) } : check(initial)),
      step: check,
      abort: () => ({ failure: { reason: 'aborted', text: 'aborted' } }),
    };
  },
};

async function startListener(
  overrides: Partial<Omit<SmtpListenerOptions, 'limits'>> & { limits?: Partial<SmtpLimits> } = {},
): Promise<{ listener: SmtpListener; port: number; received: Received[] }> {
  const received: Received[] = [];
  const hooks: SmtpSessionHooks = {
    checkRecipient: (_session, address) =>
      address.startsWith('unknown@')
        ? Promise.reject(new SmtpReplyError(550, '5.1.1', `no mailbox here by the name ${address}`))
        : Promise.resolve(),
    onMessage: (session, envelope, raw) => {
      received.push({ session, envelope, raw });
      return Promise.resolve({ queueId: `q${received.length}` });
    },
  };
  const { limits, ...rest } = overrides;
  const listener = createSmtpListener({
    mode: 'mx',
    implicitTls: false,
    hostname: 'mx.test',
    certificates: null,
    maxMessageSize: 10_000,
    rcptMax: 3,
    logger: silent,
    hooks,
    ...rest,
    limits: { ...DEFAULT_SMTP_LIMITS, ...limits },
  });
  const port = await listener.listen(0, '127.0.0.1');
  return { listener, port, received };
}

const keywords = (lines: string[]) => lines.slice(1).map((l) => l.slice(4));

describe('SMTP listener', () => {
  let cert: TestCertificate;
  let other: TestCertificate;
  before(async () => {
    cert = await selfSignedCertificate(['localhost', 'mx.test']);
    other = await selfSignedCertificate(['mail.other.test']);
  });

  describe('MX without a certificate', () => {
    let mx: Awaited<ReturnType<typeof startListener>>;
    before(async () => (mx = await startListener()));
    after(() => mx.listener.close());

    it('greets with the host name and the connection id, and EHLO lists the MX extensions', async () => {
      const c = await RawSmtp.connect(mx.port);
      const greeting = await c.reply();
      assert.match(greeting.lines[0], /^220 mx\.test ESMTP Postern ready \[[A-Za-z0-9_-]{8}\]$/);
      const ehlo = await c.command('EHLO client.test');
      assert.equal(ehlo.code, 250);
      const kw = keywords(ehlo.lines);
      for (const k of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'SIZE 10000', 'LIMITS RCPTMAX=3'])
        assert.ok(kw.includes(k), `${k} in ${kw.join(',')}`);
      assert.ok(!kw.includes('STARTTLS'), 'no STARTTLS without a certificate');
      assert.ok(!kw.some((k) => k.startsWith('AUTH') || k.startsWith('FUTURERELEASE')), 'no AUTH or FUTURERELEASE on the MX');
      c.end();
    });

    it('answers STARTTLS without a certificate with 454 and the connection goes on', async () => {
      const c = await RawSmtp.connect(mx.port);
      const id = /\[(.+)\]/.exec((await c.reply()).text)![1];
      await c.command('EHLO client.test');
      const reply = await c.command('STARTTLS');
      assert.equal(reply.lines[0], `454 4.7.0 TLS not available: no certificate is configured [${id}]`);
      assert.equal((await c.command('NOOP')).code, 250);
      c.end();
    });

    it("keeps a hook refusal's enhanced code and adds the connection id", async () => {
      const c = await RawSmtp.connect(mx.port);
      const id = /\[(.+)\]/.exec((await c.reply()).text)![1];
      await c.command('EHLO client.test');
      assert.equal((await c.command('MAIL FROM:<a@client.test>')).lines[0], '250 2.1.0 Accepted');
      assert.equal(
        (await c.command('RCPT TO:<unknown@mx.test>')).lines[0],
        `550 5.1.1 no mailbox here by the name unknown@mx.test [${id}]`,
      );
      c.end();
    });

    it('refuses recipients past RCPTMAX with 452, and SIZE past the limit with 552', async () => {
      const c = await RawSmtp.connect(mx.port);
      await c.reply();
      await c.command('EHLO client.test');
      assert.equal((await c.command('MAIL FROM:<a@client.test> SIZE=20000')).code, 552);
      await c.command('MAIL FROM:<a@client.test> SIZE=100');
      for (const n of [1, 2, 3]) assert.equal((await c.command(`RCPT TO:<r${n}@mx.test>`)).code, 250);
      assert.match((await c.command('RCPT TO:<r4@mx.test>')).lines[0], /^452 4\.5\.3 /);
      c.end();
    });

    it('refuses a message larger than the limit with 552 after DATA', async () => {
      const c = await RawSmtp.connect(mx.port);
      await c.reply();
      await c.command('EHLO client.test');
      await c.command('MAIL FROM:<a@client.test>');
      await c.command('RCPT TO:<big@mx.test>');
      assert.equal((await c.command('DATA')).code, 354);
      const before = mx.received.length;
      const reply = await c.command(`Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(12) + '.');
      assert.equal(reply.code, 552);
      assert.equal(mx.received.length, before);
      c.end();
    });

    it('pipelines a whole transaction and delivers the message as received, with CRLF and dots unstuffed', async () => {
      const c = await RawSmtp.connect(mx.port);
      await c.reply();
      await c.command('EHLO client.test');
      c.write('MAIL FROM:<a@client.test>\r\nRCPT TO:<b@mx.test>\r\nDATA\r\n');
      assert.equal((await c.reply()).code, 250);
      assert.equal((await c.reply()).code, 250);
      assert.equal((await c.reply()).code, 354);
      const done = await c.command('Subject: hi\r\n\r\n..dot\r\n.');
      assert.match(done.lines[0], /^250 2\.6\.0 Queued as q\d+$/);
      const last = mx.received.at(-1)!;
      assert.equal(last.raw.toString(), 'Subject: hi\r\n\r\n.dot\r\n');
      assert.deepEqual(last.envelope.recipients, ['b@mx.test']);
      assert.equal(last.session.clientHostname, 'client.test');
      c.end();
    });

    // SEC Consult, "SMTP Smuggling - Spoofing E-Mails Worldwide" (2023): each payload ends the
    // first message with a sequence some servers take for the end of DATA, then smuggles a second.
    const smuggled = (end: string) =>
      `From: user@client.test\r\nSubject: first\r\n\r\nhello${end}MAIL FROM:<admin@mx.test>\r\nRCPT TO:<victim@mx.test>\r\nDATA\r\nFrom: admin@mx.test\r\nSubject: smuggled\r\n\r\nforged\r\n.`;
    for (const [name, end] of [
      ['<LF>.<LF>', '\n.\n'],
      ['<LF>.<CRLF>', '\n.\r\n'],
      ['<CRLF>.<LF>', '\r\n.\n'],
      ['<CR>.<CR>', '\r.\r'],
      ['<CR>.<CRLF>', '\r.\r\n'],
      ['<CRLF>.<CR>', '\r\n.\r'],
      ['a bare CR', '\r\n\r'],
    ] as const) {
      it(`refuses the smuggling payload ending in ${JSON.stringify(end)} (${name}) with 500 5.5.2`, async () => {
        const c = await RawSmtp.connect(mx.port);
        await c.reply();
        await c.command('EHLO client.test');
        await c.command('MAIL FROM:<user@client.test>');
        await c.command('RCPT TO:<victim@mx.test>');
        await c.command('DATA');
        const before = mx.received.length;
        const reply = await c.command(smuggled(end));
        assert.equal(reply.code, 500, reply.lines.join('\n'));
        assert.match(reply.lines[0], /^500 5\.5\.2 .*SMTP smuggling/);
        assert.equal(mx.received.length, before, 'neither the message nor the smuggled one was delivered');
        // The session goes on: a clean message after it is accepted.
        await c.command('MAIL FROM:<user@client.test>');
        await c.command('RCPT TO:<victim@mx.test>');
        await c.command('DATA');
        assert.equal((await c.command('Subject: clean\r\n\r\nok\r\n.')).code, 250);
        c.end();
      });
    }

    for (const [what, bytes] of [
      ['an HTTP request', 'GET / HTTP/1.1\r\nHost: mx.test\r\n\r\n'],
      ['a TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex')],
      ['garbage', 'hello there\r\n'],
    ] as const) {
      it(`answers ${what} as a first command with one error and closes`, async () => {
        const c = await RawSmtp.connect(mx.port);
        await c.reply();
        c.write(bytes);
        const reply = await c.reply();
        assert.match(reply.lines[0], /^500 5\.5\.1 .*not an SMTP command, closing \[.+\]$/);
        await c.waitClosed();
        assert.ok(!/\r\n\d{3}/.test((c as unknown as { buffer: string }).buffer), 'only one reply');
      });
    }
  });

  it('writes every log line of a session with its connection id', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const mx = await startListener({ logger });
    const c = await RawSmtp.connect(mx.port);
    const id = /\[(.+)\]/.exec((await c.reply()).text)![1];
    await c.command('EHLO client.test');
    await c.command('RCPT TO:<unknown@mx.test>');
    await c.command('QUIT');
    await c.waitClosed();
    await mx.listener.close();
    const session = lines.filter(
      (l) => l.smtp !== 'listen' && l.smtp !== 'close' && l.smtp !== 'closed' && l.msg !== 'SMTP listener ready',
    );
    assert.ok(session.length >= 5, JSON.stringify(lines));
    for (const line of session) assert.equal(line.connectionId, id, JSON.stringify(line));
  });

  it('looks up the reverse name of the peer when given a resolver', async () => {
    const mx = await startListener({ reverseLookup: (ip) => Promise.resolve(ip === '127.0.0.1' ? ['Client.Example.'] : []) });
    const c = await RawSmtp.connect(mx.port);
    await c.reply();
    await c.command('EHLO helo.test');
    await c.command('MAIL FROM:<a@client.test>');
    await c.command('RCPT TO:<b@mx.test>');
    await c.command('DATA');
    assert.equal((await c.command('Subject: x\r\n\r\nx\r\n.')).code, 250);
    const session = mx.received.at(-1)!.session;
    assert.equal(session.reverseHostname, 'client.example');
    assert.equal(session.clientHostname, 'helo.test');
    c.end();
    await mx.listener.close();
  });

  it('answers a failing hook with 451 4.3.0 and no details, and the session goes on', async () => {
    const mx = await startListener({
      hooks: { onMessage: () => Promise.reject(new Error('database on fire at /srv/secret.ts:12')) },
    });
    const c = await RawSmtp.connect(mx.port);
    await c.reply();
    await c.command('EHLO client.test');
    await c.command('MAIL FROM:<a@client.test>');
    await c.command('RCPT TO:<b@mx.test>');
    await c.command('DATA');
    const reply = await c.command('Subject: x\r\n\r\nx\r\n.');
    assert.match(reply.lines[0], /^451 4\.3\.0 Local error in processing; try again later \[.+\]$/);
    assert.equal((await c.command('NOOP')).code, 250);
    c.end();
    await mx.listener.close();
  });

  it('accepts SMTPUTF8 and 8BITMIME (RFC 6531, RFC 6152)', async () => {
    const mx = await startListener();
    const c = await RawSmtp.connect(mx.port);
    await c.reply();
    await c.command('EHLO client.test');
    assert.equal((await c.command('MAIL FROM:<jöran@exämple.test> SMTPUTF8 BODY=8BITMIME')).code, 250);
    assert.equal((await c.command('RCPT TO:<zoë@mx.test>')).code, 250);
    await c.command('DATA');
    c.write(Buffer.from('Subject: Grüße\r\n\r\nÄpfel\r\n.\r\n', 'utf8'));
    assert.equal((await c.reply()).code, 250);
    const got = mx.received.at(-1)!;
    assert.equal(got.envelope.mailFrom.params.SMTPUTF8, true);
    assert.equal(got.raw.toString('utf8'), 'Subject: Grüße\r\n\r\nÄpfel\r\n');
    c.end();
    await mx.listener.close();
  });

  it('close() refuses new connections, lets a message in DATA finish, then answers 421', async () => {
    const mx = await startListener();
    const c = await RawSmtp.connect(mx.port);
    await c.reply();
    await c.command('EHLO client.test');
    await c.command('MAIL FROM:<a@client.test>');
    await c.command('RCPT TO:<b@mx.test>');
    assert.equal((await c.command('DATA')).code, 354);
    const closed = mx.listener.close();
    await assert.rejects(RawSmtp.connect(mx.port), /ECONNREFUSED/);
    assert.equal((await c.command('Subject: last\r\n\r\nx\r\n.')).code, 250);
    assert.match((await c.command('MAIL FROM:<a@client.test>')).lines[0], /^421 4\.4\.2 Server shutting down \[.+\]$/);
    await c.waitClosed();
    await closed;
  });

  describe('limits', () => {
    it('closes an idle session with 421 after the read timeout', async () => {
      const mx = await startListener({ limits: { idleTimeoutMs: 300 } });
      const c = await RawSmtp.connect(mx.port);
      await c.reply();
      const started = Date.now();
      assert.match((await c.reply()).lines[0], /^421 4\.4\.2 .*Timeout.*\[.+\]$/);
      assert.ok(Date.now() - started < 3000);
      await c.waitClosed();
      await mx.listener.close();
    });

    it('refuses a second concurrent connection from the same address with 421', async () => {
      const mx = await startListener({ limits: { concurrentConnections: 1 } });
      const first = await RawSmtp.connect(mx.port);
      await first.reply();
      const second = await RawSmtp.connect(mx.port);
      const reply = await second.reply();
      assert.match(reply.lines[0], /^421 4\.7\.0 Too many concurrent connections from 127\.0\.0\.1\/32 \(limit 1\).*\[.+\]$/);
      await second.waitClosed();
      first.end();
      await mx.listener.close();
    });

    it('refuses MAIL FROM past the messages per minute with 452', async () => {
      const mx = await startListener({ limits: { messagesPerMinute: 1 } });
      const c = await RawSmtp.connect(mx.port);
      await c.reply();
      await c.command('EHLO client.test');
      assert.equal((await c.command('MAIL FROM:<a@client.test>')).code, 250);
      await c.command('RSET');
      assert.match((await c.command('MAIL FROM:<a@client.test>')).lines[0], /^452 4\.7\.0 Too many messages per minute/);
      c.end();
      await mx.listener.close();
    });
  });

  describe('with certificates', () => {
    let store: CertificateStore;
    let mx: Awaited<ReturnType<typeof startListener>>;
    let sub: Awaited<ReturnType<typeof startListener>>;
    before(async () => {
      store = new CertificateStore(cert, [other]);
      mx = await startListener({ certificates: store });
      sub = await startListener({
        mode: 'submission',
        implicitTls: true,
        certificates: store,
        authenticate: plainOnly,
        limits: { authFailureDelayMs: 300, authFailuresPerHour: 5 },
      });
    });
    after(async () => {
      await mx.listener.close();
      await sub.listener.close();
    });

    it('offers STARTTLS, answers it with the connection id, and offers REQUIRETLS after', async () => {
      const c = await RawSmtp.connect(mx.port);
      const id = /\[(.+)\]/.exec((await c.reply()).text)![1];
      assert.ok(keywords((await c.command('EHLO client.test')).lines).includes('STARTTLS'));
      assert.equal((await c.command('STARTTLS')).lines[0], `220 2.0.0 Ready to start TLS [${id}]`);
      await c.startTls({ ca: cert.cert });
      const kw = keywords((await c.command('EHLO client.test')).lines);
      assert.ok(kw.includes('REQUIRETLS') && !kw.includes('STARTTLS'), kw.join(','));
      assert.equal((await c.command('MAIL FROM:<a@client.test> REQUIRETLS')).code, 250);
      c.end();
    });

    it('picks the certificate by SNI and falls back to the default for unknown names', async () => {
      const peer = (servername: string) =>
        new Promise<string>((resolve, reject) => {
          const s = tlsConnect({ host: '127.0.0.1', port: sub.port, servername, rejectUnauthorized: false }, () => {
            resolve(new X509Certificate(s.getPeerCertificate(true).raw).subjectAltName ?? '');
            s.destroy();
          });
          s.once('error', reject);
        });
      assert.match(await peer('mail.other.test'), /mail\.other\.test/);
      assert.match(await peer('unknown.test'), /mx\.test/);
    });

    it('submission: AUTH after TLS only, FUTURERELEASE offered, a bad password answers 535 and the session goes on', async () => {
      const c = await RawSmtp.connect(sub.port, { tls: true, ca: cert.cert });
      await c.reply();
      const kw = keywords((await c.command('EHLO client.test')).lines);
      assert.ok(kw.includes('AUTH PLAIN'), kw.join(','));
      assert.ok(
        kw.some((k) => /^FUTURERELEASE 5184000 \d{4}-\d\d-\d\dT/.test(k)),
        kw.join(','),
      );
      assert.equal((await c.command('MAIL FROM:<alice@client.test>')).code, 530, 'MAIL before AUTH');
      const bad = Buffer.from('\0alice\0wrong').toString('base64');
      assert.match((await c.command(`AUTH PLAIN ${bad}`)).lines[0], /^535 5\.7\.8 /);
      const good = Buffer.from('\0alice\0secret').toString('base64');
      assert.equal((await c.command(`AUTH PLAIN ${good}`)).lines[0], '235 2.7.0 Authentication successful');
      assert.equal((await c.command('MAIL FROM:<alice@client.test> HOLDFOR=600')).code, 250);
      await c.command('RCPT TO:<bob@elsewhere.test>');
      await c.command('DATA');
      assert.equal((await c.command('Subject: later\r\n\r\nhi\r\n.')).code, 250);
      const got = sub.received.at(-1)!;
      assert.equal(got.session.user?.accountId, 'acc-1');
      assert.equal(got.session.user?.mechanism, 'PLAIN');
      const hold = got.envelope.mailFrom.holdUntil!.getTime() - Date.now();
      assert.ok(hold > 590_000 && hold <= 600_000, `held for ${hold} ms`);
      c.end();
    });

    it('submission on STARTTLS: no AUTH before TLS (530), AUTH offered after it', async () => {
      const starttls = await startListener({ mode: 'submission', certificates: store, authenticate: plainOnly });
      const c = await RawSmtp.connect(starttls.port);
      await c.reply();
      const before = keywords((await c.command('EHLO client.test')).lines);
      assert.ok(!before.some((k) => k.startsWith('AUTH')), before.join(','));
      assert.match((await c.command('AUTH PLAIN')).lines[0], /^530 5\.7\.0 Must issue a STARTTLS command first/);
      await c.command('STARTTLS');
      await c.startTls({ ca: cert.cert });
      assert.ok(keywords((await c.command('EHLO client.test')).lines).includes('AUTH PLAIN'));
      // RFC 4954 4: no initial response gets an empty challenge; `*` cancels with 501.
      assert.equal((await c.command('AUTH PLAIN')).lines[0], '334 ');
      assert.equal((await c.command('*')).lines[0].slice(0, 9), '501 5.0.0');
      assert.equal((await c.command('AUTH PLAIN')).lines[0], '334 ');
      assert.equal((await c.command(Buffer.from('\0alice\0secret').toString('base64'))).code, 235);
      c.end();
      await starttls.listener.close();
    });

    it('slows AUTH replies after three failures and refuses AUTH past the hourly limit', async () => {
      const c = await RawSmtp.connect(sub.port, { tls: true, ca: cert.cert });
      await c.reply();
      await c.command('EHLO client.test');
      const bad = Buffer.from('\0alice\0wrong').toString('base64');
      // The previous test failed once from 127.0.0.1; two more reach the threshold.
      for (let i = 0; i < 2; i++) assert.equal((await c.command(`AUTH PLAIN ${bad}`)).code, 535);
      const started = Date.now();
      assert.equal((await c.command(`AUTH PLAIN ${bad}`)).code, 535);
      assert.ok(Date.now() - started >= 280, `delayed ${Date.now() - started} ms`);
      assert.equal((await c.command(`AUTH PLAIN ${bad}`)).code, 535);
      assert.match((await c.command(`AUTH PLAIN ${bad}`)).lines[0], /^454 4\.7\.0 Too many failed authentications/);
      assert.equal((await c.command('NOOP')).code, 250, 'still connected');
      c.end();
    });

    it('passes a TLS client certificate to the authenticator, for EXTERNAL', async () => {
      const client = await selfSignedCertificate(['client.test']);
      const fingerprint = new X509Certificate(client.cert).fingerprint256;
      const external: SmtpAuthenticator = {
        mechanisms: (context) => (context.peerCertificate ? ['EXTERNAL'] : []),
        createSession: (_mechanism, context) => {
          const identity = context.peerCertificate?.fingerprint256 === fingerprint ? { username: 'cert-user', accountId: 'acc-2' } : null;
          const answer = () =>
            Promise.resolve(
              identity ? { success: identity } : { failure: { reason: 'invalid-credentials' as const, text: 'unknown certificate' } },
            );
          return { start: answer, step: answer, abort: () => ({ failure: { reason: 'aborted', text: 'aborted' } }) };
        },
      };
      const tlsSub = await startListener({ mode: 'submission', implicitTls: true, certificates: store, authenticate: external });
      const socket = await new Promise<RawSmtp>((resolve, reject) => {
        const s = tlsConnect(
          { host: '127.0.0.1', port: tlsSub.port, servername: 'localhost', ca: cert.cert, key: client.key, cert: client.cert },
          () => resolve(RawSmtp.wrap(s)),
        );
        s.once('error', reject);
      });
      await socket.reply();
      assert.ok(keywords((await socket.command('EHLO client.test')).lines).includes('AUTH EXTERNAL'));
      assert.equal((await socket.command('AUTH EXTERNAL =')).code, 235);
      socket.end();
      const anonymous = await RawSmtp.connect(tlsSub.port, { tls: true, ca: cert.cert });
      await anonymous.reply();
      assert.ok(
        !keywords((await anonymous.command('EHLO client.test')).lines).some((k) => k.startsWith('AUTH')),
        'no certificate, no EXTERNAL',
      );
      anonymous.end();
      await tlsSub.listener.close();
    });

    it('serves the replaced certificate after a reload', async () => {
      const fresh = await selfSignedCertificate(['localhost', 'mx.test', 'renewed.test']);
      store.replace(fresh, [other]);
      const san = await new Promise<string>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: sub.port, servername: 'localhost', ca: fresh.cert }, () => {
          resolve(new X509Certificate(s.getPeerCertificate(true).raw).subjectAltName ?? '');
          s.destroy();
        });
        s.once('error', reject);
      });
      assert.match(san, /renewed\.test/);
    });
  });
});
