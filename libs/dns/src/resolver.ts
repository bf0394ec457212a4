import { promises as dnsPromises } from 'node:dns';

/** The lookups delivery needs; node's `dns.promises.Resolver` satisfies it. */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

export function createResolver(options: { servers?: string[]; timeoutMs?: number; tries?: number } = {}): DnsResolver {
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
