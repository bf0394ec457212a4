import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventually, selfSignedCertificate } from '@postern/testing';
import { CertificateStore, certificateNames, certificateStoreFromFiles } from './certificates';

describe('certificates', () => {
  it('reads the DNS names of a certificate', async () => {
    const cert = await selfSignedCertificate(['mx.example.test', '*.example.test']);
    assert.deepEqual(certificateNames(cert.cert), ['mx.example.test', '*.example.test']);
  });

  it('picks by SNI name, exact then wildcard, else the default', async () => {
    const main = await selfSignedCertificate(['mx.test']);
    const wild = await selfSignedCertificate(['*.other.test']);
    const store = new CertificateStore(main, [wild]);
    assert.notEqual(store.contextFor('a.other.test'), store.contextFor('mx.test'));
    assert.equal(store.contextFor('a.b.other.test'), store.contextFor(undefined), 'a wildcard covers one label only');
    assert.equal(store.contextFor('unknown.test'), store.contextFor(undefined));
  });

  it('takes the certificate naming the host name as the default, the others for SNI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-certs-'));
    try {
      const files = [];
      for (const [i, names] of [['www.example.test'], ['*.example.test'], ['other.test']].entries()) {
        const pem = await selfSignedCertificate(names);
        writeFileSync(join(dir, `${i}.crt`), pem.cert);
        writeFileSync(join(dir, `${i}.key`), pem.key);
        files.push({ certPath: join(dir, `${i}.crt`), keyPath: join(dir, `${i}.key`) });
      }
      const watched = certificateStoreFromFiles({ files, hostname: 'mx.example.test' });
      watched.close();
      assert.deepEqual(certificateNames(watched.store.default.cert), ['*.example.test']);
      assert.notEqual(watched.store.contextFor('other.test'), watched.store.contextFor(undefined));
      assert.notEqual(watched.store.contextFor('www.example.test'), watched.store.contextFor(undefined));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reloads when the files change and keeps the old certificate while they are broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postern-certs-'));
    try {
      const first = await selfSignedCertificate(['first.test']);
      const second = await selfSignedCertificate(['second.test']);
      const certPath = join(dir, 'cert.pem');
      const keyPath = join(dir, 'key.pem');
      writeFileSync(certPath, first.cert);
      writeFileSync(keyPath, first.key);
      const reloads: (Error | null)[] = [];
      const watched = certificateStoreFromFiles({ files: [{ certPath, keyPath }], intervalMs: 20, onReload: (err) => reloads.push(err) });
      try {
        assert.deepEqual(certificateNames(watched.store.default.cert), ['first.test']);
        writeFileSync(certPath, 'not a certificate');
        await eventually(() => Promise.resolve(reloads.length > 0), { what: 'a failed reload' });
        assert.ok(reloads[0] instanceof Error);
        assert.deepEqual(certificateNames(watched.store.default.cert), ['first.test']);
        writeFileSync(keyPath, second.key);
        writeFileSync(certPath, second.cert);
        await eventually(() => Promise.resolve(certificateNames(watched.store.default.cert)[0] === 'second.test'), {
          what: 'the new certificate',
        });
      } finally {
        watched.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
