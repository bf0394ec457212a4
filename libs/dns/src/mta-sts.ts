import { request } from 'node:https';
import { isIP } from 'node:net';
import { DnsResolver, classifyDnsError } from './resolver';
import { resolveHostAddresses } from './mx';

export interface MtaStsPolicy {
  id: string;
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  /** Seconds the policy may be cached. */
  maxAge: number;
}

export interface MtaStsFetchOptions {
  resolver: DnsResolver;
  /** 443 in production; tests serve the policy elsewhere. */
  port?: number;
  /** Extra trusted CA certificates for the policy host. */
  ca?: string | Buffer;
  timeoutMs?: number;
  /** The address to connect to for `mta-sts.<domain>`; default: the first A/AAAA from `resolver`, not the OS. */
  lookupAddress?: (host: string) => Promise<string>;
}

/** RFC 8461 3.3: the policy is at most 64 KB. */
const MAX_POLICY_BYTES = 64 * 1024;

/** RFC 8461 3.2: `key: value` lines; `mx` repeats. Throws on anything invalid. */
export function parseMtaStsPolicy(text: string, id = ''): MtaStsPolicy {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    // sts-policy-field-name = ALPHA *31(ALPHA / DIGIT / "_" / "-" / "."); unknown fields are ignored.
    const match = /^([A-Za-z][A-Za-z0-9_.-]{0,31}):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!match) throw new Error(`invalid MTA-STS policy line '${line}'`);
    fields.set(match[1], [...(fields.get(match[1]) ?? []), match[2]]);
  }
  if (fields.get('version')?.[0] !== 'STSv1') throw new Error('MTA-STS policy lacks version: STSv1');
  const mode = fields.get('mode')?.[0];
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') throw new Error(`invalid MTA-STS mode '${mode}'`);
  const maxAge = fields.get('max_age')?.[0];
  if (!maxAge || !/^\d{1,10}$/.test(maxAge)) throw new Error('MTA-STS policy lacks a valid max_age');
  const mx = (fields.get('mx') ?? []).map((m) => m.toLowerCase());
  if (mode !== 'none' && mx.length === 0) throw new Error('MTA-STS policy lists no mx');
  return { id, mode, mx, maxAge: Math.min(Number(maxAge), 31557600) };
}

/** RFC 8461 4.1: an `mx` pattern matches the host exactly, or `*.` matches exactly one leftmost label. */
export function mtaStsHostMatches(policy: MtaStsPolicy, mxHost: string): boolean {
  const host = mxHost.toLowerCase().replace(/\.$/, '');
  return policy.mx.some((pattern) => {
    if (!pattern.startsWith('*.')) return pattern === host;
    const suffix = pattern.slice(1); // ".example.com"
    return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && host.length > suffix.length;
  });
}

/** RFC 8461 3.1: `v=STSv1; id=<1-32 alphanumerics>`. Null when the domain publishes none. */
async function policyId(resolver: DnsResolver, domain: string): Promise<string | null> {
  let records: string[][];
  try {
    records = await resolver.resolveTxt(`_mta-sts.${domain}`);
  } catch (err) {
    if (classifyDnsError(err, domain).kind !== 'temporary') return null;
    throw err;
  }
  const sts = records.map((r) => r.join('')).filter((r) => /^v=STSv1(;|$)/.test(r.trim()));
  if (sts.length !== 1) return null; // RFC 8461 3.1: several records = no policy
  const id = /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(?:;|$)/.exec(sts[0]);
  return id ? id[1] : null;
}

/** RFC 8461 3.3: HTTPS GET, certificate valid for the policy host, no redirects, text/plain. */
async function fetchPolicy(domain: string, id: string, options: MtaStsFetchOptions): Promise<MtaStsPolicy> {
  const host = `mta-sts.${domain}`;
  const address = options.lookupAddress ? await options.lookupAddress(host) : (await resolveHostAddresses(options.resolver, host))[0];
  if (!address) throw new Error(`${host} has no address`);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host,
        port: options.port ?? 443,
        path: '/.well-known/mta-sts.txt',
        method: 'GET',
        servername: host,
        ca: options.ca ? [options.ca] : undefined,
        // Resolve through our resolver (the system one may not know the name), connect to that address.
        lookup: (_name, opts, callback) => {
          const family = isIP(address);
          if ((opts as { all?: boolean }).all)
            (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
          else (callback as (e: null, a: string, f: number) => void)(null, address, family);
        },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`${host} answered HTTP ${res.statusCode}`));
        }
        if (!/^text\/plain\b/i.test(res.headers['content-type'] ?? '')) {
          res.resume();
          return reject(new Error(`${host} served the policy as ${res.headers['content-type']}, not text/plain`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_POLICY_BYTES) req.destroy(new Error(`${host} policy is larger than 64 KB`));
          else chunks.push(c);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${host} timed out`)));
    req.on('error', reject);
    req.end();
  });
  return parseMtaStsPolicy(text, id);
}

/**
 * Policies by domain, cached for their max_age (RFC 8461 3.3, 5.1): refetched when the TXT
 * id changes; a failed refetch keeps a policy still in its lifetime.
 */
export class MtaStsCache {
  private readonly cache = new Map<string, { policy: MtaStsPolicy; expires: number }>();
  private readonly now: () => number;

  constructor(private readonly options: MtaStsFetchOptions & { now?: () => number }) {
    this.now = options.now ?? Date.now;
  }

  async policyFor(domain: string): Promise<MtaStsPolicy | null> {
    const key = domain.toLowerCase();
    const cached = this.cache.get(key);
    const valid = cached && cached.expires > this.now() ? cached.policy : null;
    let id: string | null;
    try {
      id = await policyId(this.options.resolver, key);
    } catch (err) {
      if (valid) return valid;
      throw err;
    }
    if (id === null) return valid; // RFC 8461 5.1: a cached policy outlives a removed record until it expires
    if (valid && valid.id === id) return valid;
    try {
      const policy = await fetchPolicy(key, id, this.options);
      this.cache.set(key, { policy, expires: this.now() + policy.maxAge * 1000 });
      return policy;
    } catch (err) {
      if (valid) return valid;
      throw err;
    }
  }
}
