import { EventEmitter } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
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

/** Whether a certificate name (possibly `*.example.org`) covers a host name. */
function covers(name: string, hostname: string): boolean {
  if (name === hostname) return true;
  const dot = hostname.indexOf('.');
  return name.startsWith('*.') && dot > 0 && name.slice(1) === hostname.slice(dot);
}

/**
 * Loads certificates from PEM files (the default is the one naming `hostname`, else the first)
 * and reloads them when any file changes (polled, so a renewal that replaces the files
 * atomically is seen too). A reload that fails (a half-written file) keeps the previous
 * certificates and reports the error.
 */
export function certificateStoreFromFiles(options: {
  files: { certPath: string; keyPath: string }[];
  hostname?: string;
  intervalMs?: number;
  onReload?: (err: Error | null) => void;
}): { store: CertificateStore; close(): void } {
  if (options.files.length === 0) throw new Error('no certificate files');
  const load = (): [PemCertificate, PemCertificate[]] => {
    const pems = options.files.map((f) => ({ cert: readFileSync(f.certPath), key: readFileSync(f.keyPath) }));
    const host = options.hostname?.toLowerCase();
    const index = host ? pems.findIndex((p) => certificateNames(p.cert).some((n) => covers(n, host))) : -1;
    const chosen = index < 0 ? 0 : index;
    return [pems[chosen], pems.filter((_, i) => i !== chosen)];
  };
  const paths = options.files.flatMap((f) => [f.certPath, f.keyPath]);
  // Compared with the files as last loaded (not with the previous poll), so a change made
  // right after loading is seen too.
  const stamp = () =>
    paths
      .map((path) => {
        try {
          const st = statSync(path);
          return `${st.mtimeMs}:${st.size}`;
        } catch {
          return 'missing';
        }
      })
      .join('|');
  let loaded = stamp();
  const store = new CertificateStore(...load());
  let failed = '';
  const timer = setInterval(() => {
    const now = stamp();
    if (now === loaded || now === failed) return;
    try {
      store.replace(...load());
      loaded = now;
      options.onReload?.(null);
    } catch (err) {
      // Reported once per state of the files; the next change is tried again.
      failed = now;
      options.onReload?.(err as Error);
    }
  }, options.intervalMs ?? 5000);
  timer.unref();
  return { store, close: () => clearInterval(timer) };
}
