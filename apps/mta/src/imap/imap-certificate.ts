import { readFileSync } from 'node:fs';
import type { AppConfig } from '@postern/config';
import { localCertificate } from '../smtp/local-certificate';

/**
 * The IMAP listeners' certificate: POSTERN_TLS_CERT/KEY, or in local mode the self-signed one
 * the SMTP listeners keep in `<dataDir>/tls/`; else none (no STARTTLS, no port 993).
 */
export async function imapCertificate(config: AppConfig): Promise<{ key: Buffer | string; cert: Buffer | string } | null> {
  if (config.tls) return { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) };
  if (!config.localMode) return null;
  const local = await localCertificate(config.dataDir, config.hostname);
  return { cert: local.cert, key: local.key };
}
