import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { derivePasswordSecrets, type PasswordSecrets } from '../password-secrets';
import { decodeSaslResponse } from './response';
import { createSaslServer } from './sasl-server';
import type { SaslServerOptions, SaslStep } from './types';

const run = promisify(execFile);

// A minimal RFC 4954 AUTH responder over a real socket, just enough to let Python's smtplib (a
// real, independent client; its CRAM-MD5 takes ASCII passwords only) drive PLAIN, LOGIN and CRAM-MD5 through the server sessions. It
// offers exactly one mechanism, so smtplib's login() must use it. Plain TCP on 127.0.0.1: the
// TLS requirement for PLAIN and LOGIN is the listener's business, not the mechanism's.
function authServer(mechanism: string, options: SaslServerOptions): Server {
  return createServer((socket: Socket) => {
    const write = (line: string) => socket.write(`${line}\r\n`);
    const reply = (step: SaslStep): boolean => {
      if ('challenge' in step) {
        write(`334 ${step.challenge.toString('base64')}`);
        return true;
      }
      if ('success' in step) {
        write('235 2.7.0 Authentication successful');
      } else if (step.failure.reason === 'invalid-credentials') {
        write(`535 5.7.8 ${step.failure.text}`);
      } else {
        write(`501 5.5.2 ${step.failure.text}`);
      }
      return false;
    };
    let session: ReturnType<typeof createSaslServer> | undefined;
    const handle = async (line: string) => {
      if (session) {
        const decoded = decodeSaslResponse(line);
        const step = decoded === 'abort' ? session.abort() : decoded ? await session.step(decoded) : undefined;
        if (!step || !reply(step)) session = undefined;
        if (!step) write('501 5.5.2 Invalid base64');
      } else if (/^EHLO /i.test(line)) {
        write('250-test.example');
        write(`250 AUTH ${mechanism}`);
      } else if (/^AUTH /i.test(line)) {
        const [, name, initial] = line.split(' ');
        const decoded = initial === undefined ? undefined : decodeSaslResponse(initial, { initial: true });
        session = createSaslServer(name, options);
        if (decoded === 'abort') {
          reply(session.abort());
          session = undefined;
        } else if (!reply(await session.start(decoded))) {
          session = undefined;
        }
      } else if (/^QUIT/i.test(line)) {
        write('221 2.0.0 Bye');
        socket.end();
      } else {
        write('502 5.5.1 Not here');
      }
    };
    let queue = Promise.resolve();
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
      queue = queue.then(() => handle(line));
    });
    socket.on('error', () => socket.destroy());
    write('220 test.example ESMTP');
  });
}

const CLIENT = `
import smtplib, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with smtplib.SMTP('127.0.0.1', port, timeout=10) as smtp:
    smtp.ehlo('client.example')
    try:
        code, text = smtp.login(user, password)
    except smtplib.SMTPAuthenticationError as err:
        code, text = err.smtp_code, err.smtp_error
    print(code, text.decode() if isinstance(text, bytes) else text)
`;

describe('PLAIN, LOGIN and CRAM-MD5 with Python smtplib as the client', () => {
  let secrets: PasswordSecrets;
  const servers: Server[] = [];

  before(async () => {
    secrets = await derivePasswordSecrets('s3cret pass');
  });

  after(() => servers.forEach((server) => server.close()));

  async function login(mechanism: string, user: string, password: string): Promise<string> {
    const server = authServer(mechanism, {
      lookup: (name) => Promise.resolve(name === 'tim@example.org' ? { accountId: 'a1', secrets } : null),
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { stdout } = await run('/usr/bin/python3', ['-c', CLIENT, String(port), user, password], { timeout: 20000 });
    return stdout.trim();
  }

  for (const mechanism of ['PLAIN', 'LOGIN', 'CRAM-MD5']) {
    it(`${mechanism}: the right password is accepted`, async () => {
      assert.equal(await login(mechanism, 'tim@example.org', 's3cret pass'), '235 2.7.0 Authentication successful');
    });

    it(`${mechanism}: a wrong password and an unknown user get the same 535`, async () => {
      const wrong = await login(mechanism, 'tim@example.org', 's3cret PASS');
      assert.equal(wrong, '535 5.7.8 Authentication credentials invalid');
      assert.equal(await login(mechanism, 'nobody@example.org', 's3cret pass'), wrong);
    });
  }
});
