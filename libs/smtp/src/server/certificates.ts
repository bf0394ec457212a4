import { EventEmitter } from 'node:events';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { SecureContext, createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';

export interface PemCertificate {
  /** PEM private key. */
  key: string | Buffer;
  /** PEM certificate chain, leaf first. */
  cert: string | Buffer;
}

/** The DNS names of a certificate: its subjectAltName DNS entries, else its common name. */
export function certificateNames(cert: string | Buffer): string[] {
  const x509 = new X509Certificate(cert);
  const san = (x509.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  if (san.length > 0) return san;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x509.subject);
  return cn ? [cn[1].toLowerCase()] : [];
}

/**
 * The listeners' certificates: one default (the MX hostname's, also used for unknown SNI
 * names and clients without SNI) and any others, picked by SNI name (RFC 6066 3) from their
 * subjectAltName, wildcards included. Emits `change` after `replace`, so listeners rebuild
 * their default context.
 */
export class CertificateStore extends EventEmitter {
  private contexts = new Map<string, SecureContext>();
  private defaultContext!: SecureContext;
  private current!: PemCertificate;

  constructor(defaultCertificate: PemCertificate, others: PemCertificate[] = []) {
    super();
    this.replace(defaultCertificate, others, false);
  }

  get default(): PemCertificate {
    return this.current;
  }

  replace(defaultCertificate: PemCertificate, others: PemCertificate[] = [], notify = true): void {
    const contexts = new Map<string, SecureContext>();
    // Later entries do not override earlier ones; the default's names win.
    for (const pem of [defaultCertificate, ...others]) {
      const context = createSecureContext({ key: pem.key, cert: pem.cert });
      for (const name of certificateNames(pem.cert)) if (!contexts.has(name)) contexts.set(name, context);
    }
    this.defaultContext = createSecureContext({ key: defaultCertificate.key, cert: defaultCertificate.cert });
    this.contexts = contexts;
    this.current = defaultCertificate;
    if (notify) this.emit('change');
  }

  /** The context for an SNI name: exact, then `*.parent`, else the default. */
  contextFor(servername: string | undefined): SecureContext {
    const name = (servername ?? '').toLowerCase().replace(/\.$/, '');
    if (!name) return this.defaultContext;
    const exact = this.contexts.get(name);
    if (exact) return exact;
    const dot = name.indexOf('.');
    return (dot > 0 && this.contexts.get(`*${name.slice(dot)}`)) || this.defaultContext;
  }

  /** For tls options: `SNICallback`. */
  readonly sniCallback = (servername: string, callback: (err: Error | null, ctx?: SecureContext) => void): void => {
    callback(null, this.contextFor(servername));
  };
}

/**
 * Loads the default certificate from PEM files and reloads it when either file changes
 * (polled, so a renewal that replaces the files atomically is seen too). A reload that fails
 * (a half-written file) keeps the previous certificate and reports the error.
 */
export function certificateStoreFromFiles(options: {
  certPath: string;
  keyPath: string;
  intervalMs?: number;
  onReload?: (err: Error | null) => void;
}): { store: CertificateStore; close(): void } {
  const load = (): PemCertificate => ({ cert: readFileSync(options.certPath), key: readFileSync(options.keyPath) });
  const store = new CertificateStore(load());
  const reload = (current: { mtimeMs: number }, previous: { mtimeMs: number }) => {
    if (current.mtimeMs === previous.mtimeMs) return;
    try {
      store.replace(load());
      options.onReload?.(null);
    } catch (err) {
      options.onReload?.(err as Error);
    }
  };
  const interval = options.intervalMs ?? 5000;
  watchFile(options.certPath, { interval, persistent: false }, reload);
  watchFile(options.keyPath, { interval, persistent: false }, reload);
  return {
    store,
    close: () => {
      unwatchFile(options.certPath, reload);
      unwatchFile(options.keyPath, reload);
    },
  };
}
