import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { eventually, selfSignedCertificate } from '@postern/testing';
import { ImapTestServer, startImapTestServer } from './imap-helpers';

function peerName(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.destroy();
      resolve(String(Array.isArray(cn) ? cn[0] : cn));
    });
    socket.once('error', reject);
  });
}

describe('IMAP certificates from POSTERN_TLS_CERT', { timeout: 60_000 }, () => {
  let server: ImapTestServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postern-imap-certs-'));
    const main = await selfSignedCertificate(['localhost']);
    const other = await selfSignedCertificate(['imap.other.test']);
    writeFileSync(join(dir, 'main.crt'), main.cert);
    writeFileSync(join(dir, 'main.key'), main.key);
    writeFileSync(join(dir, 'other.crt'), other.cert);
    writeFileSync(join(dir, 'other.key'), other.key);
    server = await startImapTestServer({
      POSTERN_TLS_CERT: `${join(dir, 'main.crt')},${join(dir, 'other.crt')}`,
      POSTERN_TLS_KEY: `${join(dir, 'main.key')},${join(dir, 'other.key')}`,
    });
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('993 picks the certificate by SNI and picks up a replaced file without a restart', async () => {
    assert.equal(await peerName(server.imapsPort, 'localhost'), 'localhost');
    assert.equal(await peerName(server.imapsPort, 'imap.other.test'), 'imap.other.test');
    const renewed = await selfSignedCertificate(['imap.other.test', 'renewed.other.test']);
    writeFileSync(join(dir, 'other.key'), renewed.key);
    writeFileSync(join(dir, 'other.crt'), renewed.cert);
    await eventually(
      async () => {
        const socket = connect({ host: '127.0.0.1', port: server.imapsPort, servername: 'imap.other.test', rejectUnauthorized: false });
        const alt = await new Promise<string>((resolve, reject) => {
          socket.once('secureConnect', () => resolve(socket.getPeerCertificate().subjectaltname ?? ''));
          socket.once('error', reject);
        });
        socket.destroy();
        return alt.includes('renewed.other.test');
      },
      { timeoutMs: 20_000, what: 'the renewed certificate' },
    );
  });
});
