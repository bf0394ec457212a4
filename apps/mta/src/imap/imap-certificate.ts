import type { AppConfig } from '@postern/config';
import type { TlsContexts } from '@postern/imap';
import { CertificateStore, certificateStoreFromFiles } from '@postern/smtp';
import { localCertificate } from '../smtp/local-certificate';

/**
 * The IMAP listeners' certificates: POSTERN_TLS_CERT/KEY (and the additional ones, picked by
 * SNI, reloaded when the files change, as for SMTP), or in local mode the self-signed one the
 * SMTP listeners keep in `<dataDir>/tls/`; else none (no STARTTLS, no port 993).
 */
export async function imapCertificates(
  config: AppConfig,
  onReload: (err: Error | null) => void,
): Promise<{ contexts: TlsContexts; close(): void } | null> {
  const { tls, localMode, dataDir, hostname } = config;
  if (tls) {
    const watched = certificateStoreFromFiles({
      files: [{ certPath: tls.certPath, keyPath: tls.keyPath }, ...tls.additional],
      hostname,
      onReload,
    });
    return { contexts: watched.store, close: () => watched.close() };
  }
  if (!localMode) return null;
  return { contexts: new CertificateStore(await localCertificate(dataDir, hostname)), close: () => undefined };
}
