import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { localCertificate } from './local-certificate';

describe('localCertificate', () => {
  it('generates a self-signed certificate for the host name once and reuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-local-cert-'));
    try {
      const first = await localCertificate(dir, 'localhost');
      assert.equal(first.certPath, join(dir, 'tls', 'localhost.crt'));
      const x509 = new X509Certificate(first.cert);
      assert.match(x509.subjectAltName ?? '', /DNS:localhost/);
      assert.ok(x509.checkIssued(x509), 'self-signed');
      const again = await localCertificate(dir, 'localhost');
      assert.equal(again.cert.toString(), first.cert.toString());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
