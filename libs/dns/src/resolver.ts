import { promises as dnsPromises } from 'node:dns';

/** The lookups delivery needs; node's `dns.promises.Resolver` satisfies it. */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname?(name: string): Promise<string[]>;
}

export interface ResolverOptions {
  /** `ip` or `ip:port`; none: the system's resolvers. */
  servers?: string[];
  timeoutMs?: number;
  tries?: number;
}

/** Node's resolver on the configured servers: delivery's lookups, and mailauth's generic `resolve(name, rrtype)`. */
export function createResolver(options: ResolverOptions = {}): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers(options.servers);
  return resolver;
}

export type DnsErrorKind = 'nxdomain' | 'nodata' | 'temporary';

/** A failed lookup, classified the way delivery decides: the name does not exist, has no such record, or try later. */
export class DnsError extends Error {
  constructor(
    readonly kind: DnsErrorKind,
    readonly domain: string,
    readonly code: string,
  ) {
    super(`${domain}: ${kind === 'nxdomain' ? 'no such domain' : kind === 'nodata' ? 'no such record' : 'lookup failed'} (${code})`);
    this.name = 'DnsError';
  }
}

export function classifyDnsError(err: unknown, name: string): DnsError {
  if (err instanceof DnsError) return err;
  const code = (err as { code?: string } | null)?.code ?? 'EUNKNOWN';
  if (code === 'ENOTFOUND') return new DnsError('nxdomain', name, code);
  if (code === 'ENODATA') return new DnsError('nodata', name, code);
  return new DnsError('temporary', name, code);
}

/**
 * Caches answers (and NXDOMAIN/NODATA) for up to `ttlMs`, so a worker delivering many
 * messages to one domain does not ask for its MX, addresses and MTA-STS record every time.
 * Node's resolver does not expose MX and TXT TTLs, so one short cap applies to all.
 */
export function cachingResolver(inner: DnsResolver, ttlMs = 60_000, now: () => number = Date.now): DnsResolver {
  const cache = new Map<string, { expires: number; value?: unknown; error?: Error }>();
  const cached = <T>(kind: string, name: string, lookup: () => Promise<T>): Promise<T> => {
    const key = `${kind}:${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.error !== undefined ? Promise.reject(hit.error) : Promise.resolve(hit.value as T);
    if (cache.size > 50_000) cache.clear();
    return lookup().then(
      (value) => {
        cache.set(key, { expires: now() + ttlMs, value });
        return value;
      },
      (err: unknown) => {
        // Negative answers are cached like positive ones (RFC 2308); failures are not.
        if (err instanceof Error && classifyDnsError(err, name).kind !== 'temporary')
          cache.set(key, { expires: now() + ttlMs, error: err });
        throw err;
      },
    );
  };
  return {
    resolveMx: (name) => cached('mx', name, () => inner.resolveMx(name)),
    resolve4: (name) => cached('a', name, () => inner.resolve4(name)),
    resolve6: (name) => cached('aaaa', name, () => inner.resolve6(name)),
    resolveTxt: (name) => cached('txt', name, () => inner.resolveTxt(name)),
  };
}
