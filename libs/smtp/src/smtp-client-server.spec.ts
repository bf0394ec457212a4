import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';
import { TestCertificate, selfSignedCertificate } from '@postern/testing';
import { SmtpClientError } from './errors';
import { SmtpConnectOptions, connectSmtp } from './smtp-client';

interface Received {
  user: string | undefined;
  secure: boolean;
  mailFrom: string;
  recipients: string[];
  data: Buffer;
}

/** smtp-server that accepts everything but `reject@…` (550 5.1.1) and records what reached the end of DATA. */
async function startServer(cert: TestCertificate, extra: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const mailCommands: string[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    key: cert.key,
    cert: cert.cert,
    logger: false,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    onAuth(auth, _session, callback) {
      const ok = auth.method === 'CRAM-MD5' ? auth.validatePassword('secret pw') : auth.password === 'secret pw';
      logins.push(`${auth.method}:${auth.username}:${ok}`);
      if (!ok) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onMailFrom(address, _session, callback) {
      mailCommands.push(address.address);
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject@')) return callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          user: session.user as string | undefined,
          secure: session.secure,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
        });
        callback();
      });
    },
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    mailCommands,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMTP client against smtp-server', () => {
  let cert: TestCertificate;
  let mx: Awaited<ReturnType<typeof startServer>>;
  const options = (extra: Partial<SmtpConnectOptions> = {}): SmtpConnectOptions => ({
    host: 'mx.test',
    address: '127.0.0.1',
    port: mx.port,
    localHostname: 'client.test',
    tlsMode: 'starttls-required',
    tls: { verify: false },
    ...extra,
  });

  before(async () => {
    cert = await selfSignedCertificate(['mx.test']);
    mx = await startServer(cert);
  });
  after(() => mx.close());

  it('delivers to three recipients, one refused with 550, and the server receives exactly the message bytes', async () => {
    const data = Buffer.from('Subject: dots\r\n\r\n.one dot\r\n..two dots\r\n.\r\nend\r\n');
    const session = await connectSmtp(options({ tlsMode: 'starttls-opportunistic' }));
    assert.equal(session.extensions.pipelining, true);
    const result = await session.send({ mailFrom: 'from@x.test', recipients: ['a@x.test', 'reject@x.test', 'c@x.test'], data });
    await session.quit();
    assert.deepEqual(
      result.recipients.map((r) => [r.address, r.accepted, r.reply.code, r.reply.enhanced]),
      [
        ['a@x.test', true, 250, null],
        ['reject@x.test', false, 550, '5.1.1'],
        ['c@x.test', true, 250, null],
      ],
    );
    assert.equal(result.data?.code, 250);
    const got = mx.received.at(-1)!;
    assert.deepEqual([got.mailFrom, got.recipients, got.secure], ['from@x.test', ['a@x.test', 'c@x.test'], true]);
    assert.deepEqual(got.data, data);
  });

  it('sends the null reverse-path and several transactions on one session', async () => {
    const session = await connectSmtp(options());
    const first = await session.send({ mailFrom: '', recipients: ['a@x.test'], data: Buffer.from('Subject: 1\r\n\r\n1\r\n') });
    const second = await session.send({ mailFrom: 'b@x.test', recipients: ['c@x.test'], data: Buffer.from('Subject: 2\r\n\r\n2') });
    await session.quit();
    assert.deepEqual([first.data?.code, second.data?.code], [250, 250]);
    assert.deepEqual(
      mx.received.slice(-2).map((r) => [r.mailFrom, r.data.toString()]),
      [
        ['', 'Subject: 1\r\n\r\n1\r\n'],
        ['b@x.test', 'Subject: 2\r\n\r\n2\r\n'],
      ],
    );
  });

  it('upgrades with STARTTLS, verifies the certificate against a given CA, and reports the TLS version', async () => {
    const session = await connectSmtp(options({ tls: { verify: true, ca: cert.cert } }));
    assert.match(session.tls?.protocol ?? '', /^TLSv1\.[23]$/);
    assert.deepEqual([session.tls?.authorized, session.tls?.authorizationError], [true, null]);
    assert.equal(session.extensions.starttls, false, 'extensions come from the EHLO after TLS');
    await session.quit();
  });

  it('fails STARTTLS with TLS_FAILED for a name the certificate does not cover', async () => {
    await assert.rejects(
      connectSmtp(options({ host: 'other.test', tls: { verify: true, ca: cert.cert } })),
      (err: unknown) => err instanceof SmtpClientError && err.stage === 'starttls' && err.code === 'TLS_FAILED' && err.temporary,
    );
  });

  for (const mechanism of ['CRAM-MD5', 'PLAIN', 'LOGIN']) {
    it(`authenticates with ${mechanism} and delivers as that user`, async () => {
      const session = await connectSmtp(
        options({ auth: { username: `user-${mechanism}`, password: 'secret pw', mechanisms: [mechanism] } }),
      );
      const result = await session.send({
        mailFrom: 'a@x.test',
        recipients: ['b@x.test'],
        data: Buffer.from(`Subject: ${mechanism}\r\n\r\nhi\r\n`),
      });
      await session.quit();
      assert.equal(result.data?.code, 250);
      assert.ok(mx.logins.includes(`${mechanism}:user-${mechanism}:true`));
      assert.equal(mx.received.at(-1)?.user, `user-${mechanism}`);
    });
  }

  it('prefers CRAM-MD5 over PLAIN and LOGIN, and a wrong password is a permanent AUTH_FAILED with the 535', async () => {
    await assert.rejects(
      connectSmtp(options({ auth: { username: 'eve', password: 'wrong' } })),
      (err: unknown) => err instanceof SmtpClientError && err.code === 'AUTH_FAILED' && err.reply?.code === 535 && !err.temporary,
    );
    assert.ok(mx.logins.includes('CRAM-MD5:eve:false'));
  });

  it('refuses to send credentials without TLS', async () => {
    await assert.rejects(
      connectSmtp(options({ tlsMode: 'none', auth: { username: 'u', password: 'secret pw' } })),
      (err: unknown) => err instanceof SmtpClientError && err.stage === 'auth' && !err.temporary,
    );
  });

  it('synthesises 550 5.7.30 for REQUIRETLS when the server does not offer it, without sending MAIL', async () => {
    const before = mx.mailCommands.length;
    const session = await connectSmtp(options());
    const result = await session.send({ mailFrom: 'rt@x.test', recipients: ['b@x.test'], data: Buffer.from('x\r\n'), requireTls: true });
    await session.quit();
    assert.deepEqual([result.mail.code, result.mail.enhanced, result.recipients[0].reply.code, result.data], [550, '5.7.30', 550, null]);
    assert.equal(mx.mailCommands.length, before);
  });

  it('synthesises 552 5.3.4 for a message over the advertised SIZE, without sending MAIL', async () => {
    const small = await startServer(cert, { size: 100 });
    try {
      const session = await connectSmtp(options({ port: small.port }));
      assert.equal(session.extensions.size, 100);
      const result = await session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test', 'c@x.test'], data: Buffer.alloc(101, 0x61) });
      await session.quit();
      assert.deepEqual(
        result.recipients.map((r) => [r.accepted, r.reply.code, r.reply.enhanced]),
        [
          [false, 552, '5.3.4'],
          [false, 552, '5.3.4'],
        ],
      );
      assert.deepEqual(small.mailCommands, []);
    } finally {
      await small.close();
    }
  });

  it('speaks implicit TLS (RFC 8314) from the first byte', async () => {
    const tlsMx = await startServer(cert, { secure: true });
    try {
      const session = await connectSmtp(options({ port: tlsMx.port, tlsMode: 'implicit', tls: { verify: true, ca: cert.cert } }));
      assert.equal(session.tls?.authorized, true);
      const result = await session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: Buffer.from('x\r\n') });
      await session.quit();
      assert.equal(result.data?.code, 250);
      assert.equal(tlsMx.received[0]?.secure, true);
    } finally {
      await tlsMx.close();
    }
  });
});
