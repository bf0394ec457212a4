import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { PemCertificate } from '@postern/smtp';

/**
 * Local mode's certificate: self-signed for the host name (and `localhost`), generated once
 * into `<dataDir>/tls/` and reused, so a client that trusted it once keeps trusting it.
 */
export async function localCertificate(dataDir: string, hostname: string): Promise<PemCertificate & { certPath: string }> {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, `${hostname}.crt`);
  const keyPath = join(dir, `${hostname}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) return { cert: readFileSync(certPath), key: readFileSync(keyPath), certPath };
  const names = [...new Set([hostname, 'localhost'])];
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, certPath };
}
