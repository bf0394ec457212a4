import type { DkimKey } from '@postern/db';

export interface DnsRecord {
  /** What the record is for: mx, spf, dkim, dmarc, mta-sts, tlsrpt, autodiscovery. */
  purpose: string;
  name: string;
  type: 'MX' | 'TXT' | 'CNAME' | 'SRV';
  ttl: number;
  /** The record data as in a zone file (TXT values quoted, split into 255-octet strings). */
  value: string;
}

export interface DnsRecordSet {
  records: DnsRecord[];
  /** The same records as zone-file lines. */
  zone: string;
  /** The MTA-STS policy to serve at https://mta-sts.<domain>/.well-known/mta-sts.txt. */
  mtaStsPolicy: string;
}

/** RFC 7208 section 3.3 / RFC 1035: a TXT record is strings of at most 255 octets. */
export function quoteTxt(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 255) parts.push(`"${text.slice(i, i + 255)}"`);
  return parts.join(' ');
}

const TTL = 3600;

/**
 * The records a domain owner publishes so mail for the domain reaches Postern and mail from
 * it authenticates: MX, SPF (RFC 7208), DKIM (RFC 6376), DMARC (RFC 7489), MTA-STS
 * (RFC 8461), TLSRPT (RFC 8460), and submission/IMAP SRV records (RFC 6186, RFC 8314).
 */
export function buildDnsRecords(input: {
  domain: string;
  hostname: string;
  dkimKeys: Pick<DkimKey, 'selector' | 'algorithm' | 'publicKey' | 'active'>[];
  /** Changes whenever the MTA-STS policy does; the domain's creation time is stable. */
  policyId: string;
}): DnsRecordSet {
  const { domain, hostname } = input;
  const fqdn = (name: string) => `${name}.`;
  const records: DnsRecord[] = [
    { purpose: 'mx', name: fqdn(domain), type: 'MX', ttl: TTL, value: `10 ${fqdn(hostname)}` },
    { purpose: 'spf', name: fqdn(domain), type: 'TXT', ttl: TTL, value: quoteTxt(`v=spf1 mx a:${hostname} -all`) },
    { purpose: 'spf', name: fqdn(hostname), type: 'TXT', ttl: TTL, value: quoteTxt('v=spf1 a -all') },
  ];
  for (const key of input.dkimKeys.filter((k) => k.active)) {
    const k = key.algorithm === 'ed25519-sha256' ? 'ed25519' : 'rsa';
    records.push({
      purpose: 'dkim',
      name: fqdn(`${key.selector}._domainkey.${domain}`),
      type: 'TXT',
      ttl: TTL,
      value: quoteTxt(`v=DKIM1; k=${k}; h=sha256; p=${key.publicKey}`),
    });
  }
  records.push(
    {
      purpose: 'dmarc',
      name: fqdn(`_dmarc.${domain}`),
      type: 'TXT',
      ttl: TTL,
      value: quoteTxt(`v=DMARC1; p=reject; rua=mailto:dmarc-reports@${domain}`),
    },
    { purpose: 'mta-sts', name: fqdn(`_mta-sts.${domain}`), type: 'TXT', ttl: TTL, value: quoteTxt(`v=STSv1; id=${input.policyId}`) },
    { purpose: 'mta-sts', name: fqdn(`mta-sts.${domain}`), type: 'CNAME', ttl: TTL, value: fqdn(hostname) },
    {
      purpose: 'tlsrpt',
      name: fqdn(`_smtp._tls.${domain}`),
      type: 'TXT',
      ttl: TTL,
      value: quoteTxt(`v=TLSRPTv1; rua=mailto:tls-reports@${domain}`),
    },
    { purpose: 'autodiscovery', name: fqdn(`_submissions._tcp.${domain}`), type: 'SRV', ttl: TTL, value: `0 1 465 ${fqdn(hostname)}` },
    { purpose: 'autodiscovery', name: fqdn(`_imaps._tcp.${domain}`), type: 'SRV', ttl: TTL, value: `0 1 993 ${fqdn(hostname)}` },
  );
  const zone = records.map((r) => `${r.name} ${r.ttl} IN ${r.type} ${r.value}`).join('\n') + '\n';
  const mtaStsPolicy = ['version: STSv1', 'mode: enforce', `mx: ${hostname}`, 'max_age: 86400', ''].join('\r\n');
  return { records, zone, mtaStsPolicy };
}
