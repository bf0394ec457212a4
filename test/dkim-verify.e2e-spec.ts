import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { composeMessage, signDkim, type DkimSigningKey } from '@postern/mime';
import { startDnsServer } from '@postern/testing';

// An independent verifier: Debian's python3-dkim (dkimpy), reading the keys from our test
// DNS server, checks what mailauth signed. The compiled test runs from dist/, the script
// stays in the source tree; tests run with the repository root as working directory.
const VERIFIER = join(process.cwd(), 'test/fixtures/dkimverify.py');

function runVerifier(port: number, message: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [VERIFIER, String(port)]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout.trim().split('\n')) : reject(new Error(`dkimverify.py exited ${code}: ${stderr}`)),
    );
    child.stdin.end(message);
  });
}

// RFC 8463 4.2: the Ed25519 p= is the raw 32-byte key, which is the tail of its SPKI DER.
function txtRecord(publicKey: KeyObject, kind: 'rsa' | 'ed25519'): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=${kind}; p=${(kind === 'ed25519' ? spki.subarray(-32) : spki).toString('base64')}`;
}

describe('DKIM signatures checked by python3-dkim', () => {
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let signed: Buffer;

  before(async () => {
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keys: DkimSigningKey[] = [
      { domain: 'sender.test', selector: 'ed2025', algorithm: 'ed25519-sha256', privateKey: pem(ed.privateKey) },
      { domain: 'sender.test', selector: 'rsa2025', algorithm: 'rsa-sha256', privateKey: pem(rsa.privateKey) },
    ];
    dns = await startDnsServer({});
    dns.set('ed2025._domainkey.sender.test', { TXT: [txtRecord(ed.publicKey, 'ed25519')] });
    dns.set('rsa2025._domainkey.sender.test', { TXT: [txtRecord(rsa.publicKey, 'rsa')] });

    const message = await composeMessage({
      from: { address: 'news@sender.test', name: 'Zoë from Sender' },
      to: [{ address: 'reader@receiver.test' }],
      subject: 'Grüße — signed twice',
      text: 'The body line that the tamper test changes.\n',
      html: '<p>The body line that the tamper test changes.</p>',
      headers: [['List-Unsubscribe', '<https://sender.test/u/1>']],
      attachments: [{ filename: 'a.txt', content: Buffer.from('attached\n'), disposition: 'attachment' }],
      messageId: '<e2e-dkim@sender.test>',
    });
    signed = await signDkim(message, keys);
  });

  after(async () => {
    await dns?.close();
  });

  it('verifies the Ed25519 and the RSA signature', async () => {
    assert.deepEqual(await runVerifier(dns.port, signed), [
      '0 sender.test ed2025 ed25519-sha256 pass',
      '1 sender.test rsa2025 rsa-sha256 pass',
    ]);
  });

  it('fails both signatures once the body changes', async () => {
    const text = signed.toString('latin1');
    const bodyStart = text.indexOf('\r\n\r\n');
    const tampered = text.slice(0, bodyStart) + text.slice(bodyStart).replace('tamper test changes', 'tamper test CHANGED');
    assert.notEqual(tampered, text);
    const lines = await runVerifier(dns.port, Buffer.from(tampered, 'latin1'));
    assert.deepEqual(
      lines.map((line) => line.split(' ').slice(0, 5).join(' ')),
      ['0 sender.test ed2025 ed25519-sha256 fail', '1 sender.test rsa2025 rsa-sha256 fail'],
    );
  });
});
