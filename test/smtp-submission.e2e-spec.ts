import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { AccountsService } from '@postern/accounts';
import { MessageBlob, OutboundMessage } from '@postern/db';
import { AddressesService, AliasesService, DomainsService } from '@postern/domains';
import { ScramClient } from '@postern/sasl';
import { TestEnv, createTestEnv, http, selfSignedCertificate } from '@postern/testing';
import { RunningMta, startMta } from '../apps/mta/src/start';
import { RawSmtp } from '../libs/smtp/src/server/raw-smtp.test-helper';

const run = promisify(execFile);

/** Submission (587 STARTTLS, 465 TLS) with real clients: nodemailer, Python's smtplib, swaks. */
describe('SMTP submission: real clients → OutboundService', () => {
  let env: TestEnv;
  let mta: RunningMta;
  let db: DataSource;
  let ca: string;
  let caFile: string;
  let port587: number;
  let port465: number;
  let portMx: number;

  before(async () => {
    env = createTestEnv({ POSTERN_SMTP_AUTH_FAILURE_DELAY_MS: '0' });
    mta = await startMta(env.context);
    db = mta.app.get(DataSource);
    const domains = mta.app.get(DomainsService);
    const accounts = mta.app.get(AccountsService);
    const addresses = mta.app.get(AddressesService);
    await domains.create({ name: 'sender.test' });
    const alice = await accounts.create({ name: 'alice', password: 'correct horse battery' });
    await addresses.create({ address: 'alice@sender.test', accountId: alice.id });
    const bob = await accounts.create({ name: 'bob', password: 'bobs password 1', messagesPerDay: 1 });
    await addresses.create({ address: 'bob@sender.test', accountId: bob.id });
    await mta.app.get(AliasesService).create({ address: 'team@sender.test', members: ['alice@sender.test'], allowAsFrom: true });
    await mta.app.get(AliasesService).create({ address: 'closed@sender.test', members: ['alice@sender.test'] });
    caFile = join(env.config.dataDir, 'tls', 'localhost.crt');
    ca = (await import('node:fs')).readFileSync(caFile, 'utf8');
    port587 = mta.smtp.port('submission')!;
    port465 = mta.smtp.port('submissions')!;
    portMx = mta.smtp.port('smtp')!;
  });

  after(async () => {
    await mta?.close();
    await env?.cleanup();
  });

  const lastMessage = async () => {
    const [message] = await db.getRepository(OutboundMessage).find({ order: { createdAt: 'DESC' }, take: 1 });
    const blob = await db.getRepository(MessageBlob).findOneByOrFail({ id: message.blobId });
    return { message, raw: blob.data.toString() };
  };

  const mail = (from: string, extraHeaders: Record<string, string> = {}) => ({
    from,
    to: 'carol@dest.test',
    subject: 'Hello over submission',
    text: 'Hi Carol\n',
    headers: extraHeaders,
  });

  /** nodemailer to 465 (implicit TLS) or 587 (STARTTLS required), trusting the test CA. */
  const submission = (port: number, auth: { user: string; pass: string; method?: string }) =>
    createTransport({
      host: '127.0.0.1',
      port,
      secure: port === port465,
      requireTLS: port !== port465,
      tls: { ca, servername: 'localhost' },
      auth,
    });

  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const unb64 = (text: string) => Buffer.from(text, 'base64').toString();

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS'] as const) {
    test(`${mechanism} on 465 against the stored secrets${mechanism.endsWith('PLUS') ? ', bound to the TLS channel (tls-exporter)' : ''}`, async () => {
      const c = await RawSmtp.connect(port465, { tls: true, ca });
      await c.reply();
      const offered = (await c.command('EHLO client.test')).lines.find((l) => l.startsWith('250-AUTH ') || l.startsWith('250 AUTH '))!;
      assert.ok(offered.split(' ').includes(mechanism), offered);
      const socket = c.socket as TLSSocket;
      const channelBinding = mechanism.endsWith('PLUS')
        ? { type: 'tls-exporter', data: socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)) }
        : undefined;
      const hash = mechanism.startsWith('SCRAM-SHA-256') ? 'sha256' : 'sha1';
      // A wrong password: 535 with SCRAM's error, and the connection goes on.
      const wrong = new ScramClient(hash, 'alice@sender.test', 'not the password', { channelBinding });
      let reply = await c.command(`AUTH ${mechanism} ${b64(wrong.first())}`);
      assert.equal(reply.code, 334);
      reply = await c.command(b64(wrong.final(unb64(reply.text))));
      assert.match(reply.lines[0], /^535 5\.7\.8 /);
      const scram = new ScramClient(hash, 'alice@sender.test', 'correct horse battery', { channelBinding });
      reply = await c.command(`AUTH ${mechanism} ${b64(scram.first())}`);
      assert.equal(reply.code, 334);
      reply = await c.command(b64(scram.final(unb64(reply.text))));
      // RFC 4954 4: server-final (v=) comes as a 334 the client answers with an empty line.
      assert.equal(reply.code, 334, reply.lines.join('\n'));
      scram.verify(unb64(reply.text));
      assert.equal((await c.command('')).lines[0], '235 2.7.0 Authentication successful');
      c.end();
    });
  }

  test('SCRAM-SHA-256-PLUS with the channel binding of another connection fails', async () => {
    const other = await RawSmtp.connect(port465, { tls: true, ca });
    const foreign = (other.socket as TLSSocket).exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
    other.end();
    const c = await RawSmtp.connect(port465, { tls: true, ca });
    await c.reply();
    await c.command('EHLO client.test');
    const scram = new ScramClient('sha256', 'alice@sender.test', 'correct horse battery', {
      channelBinding: { type: 'tls-exporter', data: foreign },
    });
    let reply = await c.command(`AUTH SCRAM-SHA-256-PLUS ${b64(scram.first())}`);
    reply = await c.command(b64(scram.final(unb64(reply.text))));
    assert.match(reply.lines[0], /^535 5\.7\.8 .*channel-bindings-dont-match/);
    c.end();
  });

  test("a malformed SCRAM message answers SCRAM's error (501 5.5.2), an unknown mechanism 504, and the session goes on", async () => {
    const c = await RawSmtp.connect(port465, { tls: true, ca });
    await c.reply();
    await c.command('EHLO client.test');
    const malformed = await c.command(`AUTH SCRAM-SHA-256 ${b64('this is not scram')}`);
    assert.match(malformed.lines[0], /^501 5\.5\.2 /);
    assert.doesNotMatch(malformed.lines[0], /at |Error:|\.ts:/);
    assert.match((await c.command('AUTH GSSAPI')).lines[0], /^504 5\.5\.4 /);
    assert.equal((await c.command('NOOP')).code, 250);
    c.end();
  });

  test('EXTERNAL with a TLS client certificate whose public key is registered to the account', async () => {
    const laptop = await selfSignedCertificate(['alice-laptop']);
    const stranger = await selfSignedCertificate(['stranger']);
    await mta.app.get(AccountsService).addTlsKey('alice', laptop.cert, 'laptop');
    const withCertificate = (client: { key: string; cert: string }) =>
      new Promise<RawSmtp>((resolve, reject) => {
        const socket = tlsConnect(
          { host: '127.0.0.1', port: port465, servername: 'localhost', ca, key: client.key, cert: client.cert },
          () => resolve(RawSmtp.wrap(socket)),
        );
        socket.once('error', reject);
      });
    const c = await withCertificate(laptop);
    await c.reply();
    assert.match((await c.command('EHLO client.test')).lines.join('\n'), /AUTH .*EXTERNAL/);
    assert.equal((await c.command('AUTH EXTERNAL =')).lines[0], '235 2.7.0 Authentication successful');
    await c.command('MAIL FROM:<alice@sender.test>');
    await c.command('RCPT TO:<carol@dest.test>');
    await c.command('DATA');
    assert.equal((await c.command('From: alice@sender.test\r\nSubject: by certificate\r\n\r\nhi\r\n.')).code, 250);
    const { message } = await lastMessage();
    assert.equal(message.subject, 'by certificate');
    assert.equal(message.accountId, (await mta.app.get(AccountsService).get('alice')).id);
    c.end();
    const other = await withCertificate(stranger);
    await other.reply();
    await other.command('EHLO client.test');
    assert.match((await other.command('AUTH EXTERNAL =')).lines[0], /^535 5\.7\.8 /);
    other.end();
  });

  test('nodemailer with AUTH CRAM-MD5', async () => {
    const transport = submission(port587, { user: 'alice@sender.test', pass: 'correct horse battery', method: 'CRAM-MD5' });
    const info = await transport.sendMail(mail('alice@sender.test'));
    transport.close();
    assert.match(info.response, /^250 2\.6\.0 Queued as/);
  });

  for (const method of ['PLAIN', 'LOGIN'] as const) {
    test(`nodemailer on 587 (STARTTLS, AUTH ${method}): queued, DKIM-signed, X-Postern-Extra-* become extra`, async () => {
      const transport = submission(port587, { user: 'alice@sender.test', pass: 'correct horse battery', method });
      const info = await transport.sendMail(mail('alice@sender.test', { 'X-Postern-Extra-Order': `42-${method}`, 'TLS-Required': 'No' }));
      transport.close();
      assert.match(info.response, /^250 2\.6\.0 Queued as [0-9a-f-]{36}$/);
      const { message, raw } = await lastMessage();
      assert.equal(message.source, 'submission');
      assert.equal(info.response.split(' ').at(-1), message.id);
      assert.deepEqual(message.extra, { order: `42-${method}` });
      assert.equal(message.requireTls, false, 'TLS-Required: No');
      assert.match(raw, /^DKIM-Signature: /m);
      assert.doesNotMatch(raw, /X-Postern-Extra/i);
    });
  }

  test('nodemailer on 465 (implicit TLS) sends as an alias that allows it', async () => {
    const transport = submission(port465, { user: 'alice', pass: 'correct horse battery' });
    await transport.sendMail(mail('team@sender.test'));
    transport.close();
    assert.equal((await lastMessage()).message.fromAddress, 'team@sender.test');
  });

  test('a From the account may not use answers 550 5.7.0 naming the address', async () => {
    const transport = submission(port465, { user: 'alice', pass: 'correct horse battery' });
    for (const from of ['bob@sender.test', 'closed@sender.test', 'someone@elsewhere.test']) {
      await assert.rejects(transport.sendMail(mail(from)), (err: Error & { response?: string }) => {
        assert.match(err.response ?? '', new RegExp(`^550 5\\.7\\.0 alice may not send as <${from.replace('.', '\\.')}>`));
        return true;
      });
    }
    transport.close();
  });

  test("the account's daily limit answers 451 4.7.1 naming the limit and the setting", async () => {
    const transport = submission(port587, { user: 'bob@sender.test', pass: 'bobs password 1' });
    await transport.sendMail(mail('bob@sender.test'));
    await assert.rejects(transport.sendMail(mail('bob@sender.test')), (err: Error & { response?: string }) => {
      assert.match(err.response ?? '', /^451 4\.7\.1 .*1 messages for today.*messagesPerDay/);
      return true;
    });
    transport.close();
  });

  const python = (script: string, env: Record<string, string>) =>
    run('/usr/bin/python3', ['-c', script], { env: { ...process.env, ...env }, timeout: 20_000 });

  for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5']) {
    test(`Python smtplib: STARTTLS, AUTH ${mechanism}, HOLDFOR and REQUIRETLS on MAIL FROM`, async () => {
      const script = `
import os, smtplib, ssl
ctx = ssl.create_default_context(cafile=os.environ['CA'])
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), local_hostname='client.test', timeout=10)
s._host = 'localhost'
s.starttls(context=ctx)
s.ehlo('client.test')
mech = os.environ['MECH']
s.user, s.password = 'alice@sender.test', 'correct horse battery'
code, text = s.auth(mech, getattr(s, 'auth_' + mech.lower().replace('-', '_')), initial_response_ok=(mech == 'PLAIN'))
assert code == 235, (code, text)
msg = 'From: alice@sender.test\\r\\nTo: carol@dest.test\\r\\nSubject: later\\r\\n\\r\\nlater\\r\\n'
s.sendmail('alice@sender.test', ['carol@dest.test'], msg, mail_options=['HOLDFOR=3600', 'REQUIRETLS'])
print('features', ' '.join(sorted(s.esmtp_features)))
s.quit()
`;
      const { stdout } = await python(script, { CA: caFile, PORT: String(port587), MECH: mechanism });
      assert.match(stdout, /futurerelease/);
      assert.match(stdout, /limits/);
      const { message, raw } = await lastMessage();
      assert.equal(message.requireTls, true);
      const hold = message.sendAt!.getTime() - Date.now();
      assert.ok(hold > 3_500_000 && hold <= 3_600_000, `sendAt in ${hold} ms`);
      assert.match(raw, /^Message-ID: <[^>]+@sender\.test>/m, 'a missing Message-ID is added');
      assert.match(raw, /^Date: /m);
    });
  }

  test('swaks: STARTTLS, pipelining and AUTH send a message; a bad password exits 28 (535)', async () => {
    const base = [
      '--server',
      `127.0.0.1:${port587}`,
      '--tls',
      '--pipeline',
      '--ehlo',
      'client.test',
      '--from',
      'alice@sender.test',
      '--to',
      'carol@dest.test',
    ];
    const ok = await run(
      'swaks',
      [
        ...base,
        '--auth',
        'PLAIN',
        '--auth-user',
        'alice@sender.test',
        '--auth-password',
        'correct horse battery',
        '--header',
        'From: alice@sender.test',
      ],
      {
        timeout: 20_000,
      },
    );
    assert.match(ok.stdout, /<~ +250 2\.6\.0 Queued as/);
    await assert.rejects(
      run('swaks', [...base, '--auth', 'LOGIN', '--auth-user', 'alice@sender.test', '--auth-password', 'wrong'], { timeout: 20_000 }),
      (err: Error & { code?: number; stdout?: string }) => {
        assert.equal(err.code, 28, err.stdout);
        assert.match(err.stdout ?? '', /535 5\.7\.8 Authentication credentials invalid/);
        return true;
      },
    );
  });

  test('the MX (InboundService behind MX_HOOKS) answers 550 5.1.1 for an unknown recipient, with the connection id', async () => {
    const result = await run(
      'swaks',
      ['--server', `127.0.0.1:${portMx}`, '--from', 'x@elsewhere.test', '--to', 'nobody@sender.test', '--quit-after', 'RCPT'],
      {
        timeout: 20_000,
      },
    ).catch((err: { stdout: string; code: number }) => err);
    assert.match(result.stdout, /<\*\* 550 5\.1\.1 <nobody@sender\.test>: no such mailbox here \[[A-Za-z0-9_-]+\]/);
  });

  test('/healthz lists the three SMTP listeners and the two IMAP ones', async () => {
    const health = await http(`http://127.0.0.1:${mta.healthPort}`, 'GET', '/healthz');
    const names = (health.body.listeners as { name: string; tls: string }[]).map((l) => `${l.name}:${l.tls}`);
    assert.deepEqual(names, ['smtp:starttls', 'submission:starttls', 'submissions:implicit', 'imap:starttls', 'imaps:implicit']);
  });
});
