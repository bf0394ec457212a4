import type { AppConfig } from '@postern/config';
import { CertificateStore, certificateStoreFromFiles } from '@postern/smtp';
import { localCertificate } from './smtp/local-certificate';

/**
 * The certificates of the SMTP and IMAP listeners: POSTERN_TLS_CERT/KEY (and the additional
 * ones, picked by SNI, reloaded when the files change), or in local mode the self-signed one
 * kept in `<dataDir>/tls/`; else none (no STARTTLS, no implicit-TLS ports).
 */
export async function listenerCertificates(
  config: AppConfig,
  onReload: (err: Error | null) => void,
): Promise<{ store: CertificateStore; close(): void } | null> {
  const { tls, localMode, dataDir, hostname } = config;
  if (tls) {
    const watched = certificateStoreFromFiles({
      files: [{ certPath: tls.certPath, keyPath: tls.keyPath }, ...tls.additional],
      hostname,
      onReload,
    });
    return { store: watched.store, close: () => watched.close() };
  }
  if (!localMode) return null;
  return { store: new CertificateStore(await localCertificate(dataDir, hostname)), close: () => undefined };
}
