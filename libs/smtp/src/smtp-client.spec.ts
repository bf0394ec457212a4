import assert from 'node:assert/strict';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { selfSignedCertificate } from '@postern/testing';
import { SmtpClientError, connectSmtp, dotStuff } from './smtp-client';

/** A scripted SMTP peer over a raw socket: records every chunk it receives and answers from `respond`. */
async function rawPeer(
  greeting: string,
  respond: (line: string, session: { lines: string[] }) => string | null,
): Promise<{ port: number; chunks: string[]; close(): Promise<void> }> {
  const chunks: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const session = { lines: [] as string[] };
    let buffer = '';
    let inData = false;
    if (greeting) socket.write(`${greeting}\r\n`);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk.toString('latin1'));
      buffer += chunk.toString('latin1');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 2.0.0 accepted\r\n');
          }
          continue;
        }
        session.lines.push(line);
        const reply = respond(line, session);
        if (reply === null) continue;
        socket.write(`${reply}\r\n`);
        if (reply.startsWith('354')) inData = true;
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    chunks,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const base = { host: 'localhost', localHostname: 'client.test', tlsMode: 'none' as const };
const message = Buffer.from('Subject: t\r\n\r\n.leading dot\r\nbody\r\n');

describe('SMTP client against a scripted peer', () => {
  it('pipelines MAIL, every RCPT and DATA in one write and maps each reply to its recipient (RFC 2920)', async () => {
    const peer = await rawPeer('220 peer ESMTP', (line) => {
      if (line.startsWith('EHLO'))
        return '250-peer\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-ENHANCEDSTATUSCODES\r\n250 LIMITS RCPTMAX=3';
      if (line.startsWith('MAIL')) return '250 2.1.0 ok';
      if (line === 'RCPT TO:<b@x.test>') return '550 5.1.1 no such user';
      if (line.startsWith('RCPT')) return '250 2.1.5 ok';
      if (line === 'DATA') return '354 go on';
      if (line === 'QUIT') return '221 bye';
      return '502 5.5.1 unknown';
    });
    const session = await connectSmtp({ ...base, port: peer.port });
    assert.equal(session.extensions.rcptMax, 3);
    assert.equal(session.extensions.size, 1000000);
    const result = await session.send({ mailFrom: 'from@x.test', recipients: ['a@x.test', 'b@x.test', 'c@x.test'], data: message });
    await session.quit();
    await peer.close();
    assert.ok(
      peer.chunks.some(
        (c) =>
          c ===
          `MAIL FROM:<from@x.test> SIZE=${message.length}\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n`,
      ),
      `one chunk for the whole envelope: ${JSON.stringify(peer.chunks)}`,
    );
    assert.deepEqual(
      result.recipients.map((r) => [r.address, r.accepted, r.reply.code, r.reply.enhanced]),
      [
        ['a@x.test', true, 250, '2.1.5'],
        ['b@x.test', false, 550, '5.1.1'],
        ['c@x.test', true, 250, '2.1.5'],
      ],
    );
    assert.equal(result.data?.code, 250);
    assert.ok(peer.chunks.join('').includes('\r\n..leading dot\r\nbody\r\n.\r\n'), 'dot-stuffed, ended with CRLF.CRLF');
  });

  it('reports a 421 greeting as a temporary error carrying the reply', async () => {
    const peer = await rawPeer('421 4.3.2 too busy', () => null);
    await assert.rejects(connectSmtp({ ...base, port: peer.port }), (err: unknown) => {
      assert.ok(err instanceof SmtpClientError);
      assert.equal(err.stage, 'greeting');
      assert.equal(err.temporary, true);
      assert.equal(err.reply?.code, 421);
      return true;
    });
    await peer.close();
  });

  it('times out on a peer that stalls, with a temporary error', async () => {
    const peer = await rawPeer('220 peer', (line) => (line.startsWith('EHLO') ? '250 peer' : null));
    const session = await connectSmtp({ ...base, port: peer.port, timeouts: { commandMs: 300 } });
    const started = Date.now();
    await assert.rejects(session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: message }), (err: unknown) => {
      assert.ok(err instanceof SmtpClientError);
      assert.equal(err.code, 'ETIMEDOUT');
      assert.equal(err.temporary, true);
      return true;
    });
    assert.ok(Date.now() - started < 3000);
    session.close();
    await peer.close();
  });

  it('refuses without sending when the message exceeds SIZE or REQUIRETLS is not available', async () => {
    const peer = await rawPeer('220 peer', (line) =>
      line.startsWith('EHLO') ? '250-peer\r\n250 SIZE 10' : line === 'QUIT' ? '221 bye' : '250 ok',
    );
    const session = await connectSmtp({ ...base, port: peer.port });
    const big = await session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: message });
    assert.deepEqual([big.mail.code, big.mail.enhanced, big.recipients[0].accepted], [552, '5.3.4', false]);
    const tls = await session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: Buffer.from('x\r\n'), requireTls: true });
    assert.deepEqual([tls.mail.code, tls.mail.enhanced], [550, '5.7.30']);
    await session.quit();
    await peer.close();
    assert.ok(!peer.chunks.join('').includes('MAIL FROM'), 'nothing was sent');
  });

  it('a server closing the connection mid-transaction is a temporary error, not a crash', async () => {
    const peer = await rawPeer('220 peer', (line) => (line.startsWith('EHLO') ? '250 peer' : line.startsWith('MAIL') ? '250 ok' : null));
    const session = await connectSmtp({ ...base, port: peer.port });
    const sending = session.send({ mailFrom: 'a@x.test', recipients: ['b@x.test'], data: message });
    setTimeout(() => void peer.close(), 50);
    await assert.rejects(sending, (err: unknown) => err instanceof SmtpClientError && err.temporary);
  });

  it('dot-stuffs lines that start with a dot and adds the final CRLF', () => {
    assert.equal(dotStuff(Buffer.from('.a\r\nb')).toString(), '..a\r\nb\r\n.\r\n');
  });
});

describe('SMTP client against smtp-server (STARTTLS, AUTH)', () => {
  let server: SMTPServer;
  let port: number;
  let cert: { key: string; cert: string };
  const logins: string[] = [];
  const received: string[] = [];

  before(async () => {
    cert = await selfSignedCertificate(['mx.test']);
    server = new SMTPServer({
      key: cert.key,
      cert: cert.cert,
      logger: false,
      authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
      onAuth(auth, _session, callback) {
        const ok = auth.method === 'CRAM-MD5' ? auth.validatePassword('secret pw') : auth.password === 'secret pw';
        logins.push(`${auth.method}:${auth.username}:${ok}`);
        if (!ok) return callback(new Error('Invalid username or password'));
        callback(null, { user: auth.username });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(`${session.user}:${session.secure}:${Buffer.concat(chunks).toString()}`);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('upgrades with STARTTLS, verifies the certificate against a given CA, and reports the TLS version', async () => {
    const session = await connectSmtp({
      host: 'mx.test',
      address: '127.0.0.1',
      port,
      localHostname: 'c.test',
      tlsMode: 'starttls-required',
      tls: { verify: true, ca: cert.cert },
    });
    assert.match(session.tls?.protocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(session.tls?.authorized, true);
    await session.quit();
  });

  it('fails STARTTLS verification for a name the certificate does not cover', async () => {
    await assert.rejects(
      connectSmtp({
        host: 'other.test',
        address: '127.0.0.1',
        port,
        localHostname: 'c.test',
        tlsMode: 'starttls-required',
        tls: { verify: true, ca: cert.cert },
      }),
      (err: unknown) => err instanceof SmtpClientError && err.stage === 'starttls' && err.code === 'TLS_FAILED',
    );
  });

  for (const mechanism of ['CRAM-MD5', 'PLAIN', 'LOGIN']) {
    it(`authenticates with ${mechanism} and delivers`, async () => {
      const session = await connectSmtp({
        host: 'mx.test',
        address: '127.0.0.1',
        port,
        localHostname: 'c.test',
        tlsMode: 'starttls-required',
        tls: { verify: false },
        auth: { username: `user-${mechanism}`, password: 'secret pw', mechanisms: [mechanism] },
      });
      const result = await session.send({
        mailFrom: 'a@x.test',
        recipients: ['b@x.test'],
        data: Buffer.from(`Subject: ${mechanism}\r\n\r\nhi\r\n`),
      });
      await session.quit();
      assert.equal(result.data?.code, 250);
      assert.ok(logins.includes(`${mechanism}:user-${mechanism}:true`));
      assert.ok(received.some((r) => r.startsWith(`user-${mechanism}:true:Subject: ${mechanism}`)));
    });
  }

  it('prefers CRAM-MD5 over PLAIN when both are offered, and a wrong password is a permanent AUTH error', async () => {
    await assert.rejects(
      connectSmtp({
        host: 'mx.test',
        address: '127.0.0.1',
        port,
        localHostname: 'c.test',
        tlsMode: 'starttls-required',
        tls: { verify: false },
        auth: { username: 'eve', password: 'wrong' },
      }),
      (err: unknown) => err instanceof SmtpClientError && err.code === 'AUTH_FAILED' && err.reply?.code === 535 && !err.temporary,
    );
    assert.ok(logins.includes('CRAM-MD5:eve:false'));
  });
});
