import { AuthenticateResult, DNSResolver, authenticate } from 'mailauth';
import { createResolver } from '@postern/dns';

/** mailauth's resolver: `dns.promises.resolve`'s signature, on the configured servers (libs/dns). */
export function mailauthResolver(servers: string[] | null): DNSResolver {
  const resolver = createResolver({ servers: servers ?? undefined });
  return (name: string, rrtype: string) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

export type AuthVerdict = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/** What the inbound path decides on, taken from mailauth's result. */
export interface AuthSummary {
  spf: { result: string; domain: string | null };
  dkim: { result: string; domain: string | null; aligned: boolean }[];
  dmarc: { result: string; policy: string | null; domain: string | null };
  arc: { result: string };
  /** The From header's domain (lower case), when there is exactly one. */
  fromDomain: string | null;
  /** `Received-SPF` and `Authentication-Results`, CRLF-terminated, to prepend. */
  headers: string;
  /** DMARC failed and the domain asks to reject (RFC 7489 6.3 p=reject). */
  reject: boolean;
  /** DMARC failed and the domain asks for quarantine (p=quarantine): the Junk mailbox. */
  quarantine: boolean;
  /** DMARC passed, or without DMARC an SPF or DKIM pass: the sender is who it says. */
  authenticated: boolean;
}

export interface AuthenticateInput {
  raw: Buffer;
  ip: string;
  helo: string;
  mailFrom: string;
  /** Our host name: the authserv-id (RFC 8601 2.5). */
  hostname: string;
  resolver: DNSResolver;
}

/** SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489) and ARC (RFC 8617) over mailauth. */
export async function authenticateMessage(input: AuthenticateInput): Promise<AuthSummary> {
  const result: AuthenticateResult = await authenticate(input.raw, {
    ip: input.ip,
    helo: input.helo,
    // RFC 7208 2.4: with a null reverse path, SPF checks postmaster@<helo>; mailauth does that for ''.
    sender: input.mailFrom,
    mta: input.hostname,
    resolver: input.resolver,
    disableBimi: true,
  });
  const spf = result.spf ? { result: result.spf.status.result, domain: result.spf.domain ?? null } : { result: 'none', domain: null };
  const dkim = (result.dkim.results ?? []).map((r) => ({
    result: r.status.result,
    domain: r.signingDomain ?? null,
    aligned: Boolean(r.status.aligned),
  }));
  const dmarc = result.dmarc
    ? { result: result.dmarc.status.result, policy: result.dmarc.policy ?? null, domain: result.dmarc.domain ?? null }
    : { result: 'none', policy: null, domain: null };
  const arc = { result: result.arc ? result.arc.status.result : 'none' };
  const from = result.dkim.headerFrom ?? [];
  const domains = [...new Set(from.map((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase()))];
  const dmarcFailed = dmarc.result === 'fail';
  return {
    spf,
    dkim,
    dmarc,
    arc,
    fromDomain: domains.length === 1 && domains[0] ? domains[0] : null,
    headers: result.headers.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n'),
    reject: dmarcFailed && dmarc.policy === 'reject',
    quarantine: dmarcFailed && dmarc.policy === 'quarantine',
    authenticated: dmarc.result === 'pass' || (dmarc.result === 'none' && (spf.result === 'pass' || dkim.some((d) => d.result === 'pass'))),
  };
}

/** `dmarc=pass spf=pass dkim=pass arc=none`, for X-Postern-Reason and the reputation table. */
export function authLine(auth: AuthSummary): string {
  const dkim = auth.dkim.length === 0 ? 'none' : auth.dkim.some((d) => d.result === 'pass') ? 'pass' : auth.dkim[0].result;
  return `dmarc=${auth.dmarc.result} spf=${auth.spf.result} dkim=${dkim} arc=${auth.arc.result}`;
}
