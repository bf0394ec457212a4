import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { AppConfig } from '@postern/config';

/**
 * The IMAP listeners' certificate: POSTERN_TLS_CERT/KEY, or in local mode the self-signed one
 * kept in `<dataDir>/tls/` (the same files the SMTP listeners use), else none (no STARTTLS, no 993).
 */
export async function imapCertificate(config: AppConfig): Promise<{ key: Buffer | string; cert: Buffer | string } | null> {
  if (config.tls) return { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) };
  if (!config.localMode) return null;
  const dir = join(config.dataDir, 'tls');
  const certPath = join(dir, `${config.hostname}.crt`);
  const keyPath = join(dir, `${config.hostname}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
  const names = [...new Set([config.hostname, 'localhost'])];
  const pems = await generate([{ name: 'commonName', value: config.hostname }], {
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private };
}
