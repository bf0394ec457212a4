import { DnsError, DnsResolver, classifyDnsError } from './resolver';

export interface MxHost {
  host: string;
  preference: number;
  /** True when the domain had no MX and its own name is used (RFC 5321 5.1). */
  implicit: boolean;
}

export type MxResolution = { kind: 'hosts'; hosts: MxHost[] } | { kind: 'null-mx' };

/**
 * The hosts to try for a domain, in order. RFC 5321 5.1: sort by preference, shuffle equal
 * preferences to spread load; without MX records the domain itself is the implicit MX when
 * it has an address. RFC 7505: a single MX of "." (node reports an empty exchange) means
 * the domain accepts no mail. NXDOMAIN and "no MX and no address" throw a permanent
 * DnsError; anything else (SERVFAIL, timeouts) throws a temporary one.
 */
export async function resolveMxHosts(resolver: DnsResolver, domain: string, random: () => number = Math.random): Promise<MxResolution> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (err) {
    const error = classifyDnsError(err, domain);
    if (error.kind !== 'nodata') throw error;
    records = [];
  }
  if (records.length === 1 && (records[0].exchange === '' || records[0].exchange === '.')) return { kind: 'null-mx' };
  if (records.length === 0) {
    const addresses = await resolveHostAddresses(resolver, domain);
    if (addresses.length === 0) throw new DnsError('nodata', domain, 'ENODATA');
    return { kind: 'hosts', hosts: [{ host: domain, preference: 0, implicit: true }] };
  }
  const hosts = records
    .filter((r) => r.exchange !== '' && r.exchange !== '.')
    .map((r) => ({ host: r.exchange.replace(/\.$/, '').toLowerCase(), preference: r.priority, implicit: false, order: random() }))
    .sort((a, b) => a.preference - b.preference || a.order - b.order)
    .map(({ host, preference, implicit }) => ({ host, preference, implicit }));
  return { kind: 'hosts', hosts };
}

/** IPv4 addresses first, then IPv6. Throws a DnsError when neither lookup answers; [] when the name has no address. */
export async function resolveHostAddresses(resolver: DnsResolver, host: string): Promise<string[]> {
  const lookup = async (fn: () => Promise<string[]>): Promise<string[] | DnsError> => {
    try {
      return await fn();
    } catch (err) {
      const error = classifyDnsError(err, host);
      return error.kind === 'nodata' ? [] : error;
    }
  };
  const [v4, v6] = await Promise.all([lookup(() => resolver.resolve4(host)), lookup(() => resolver.resolve6(host))]);
  if (v4 instanceof DnsError && v6 instanceof DnsError) throw v4;
  const found = [...(v4 instanceof DnsError ? [] : v4), ...(v6 instanceof DnsError ? [] : v6)];
  if (found.length === 0 && (v4 instanceof DnsError || v6 instanceof DnsError)) throw v4 instanceof DnsError ? v4 : (v6 as DnsError);
  return found;
}
