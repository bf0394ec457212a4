import { isIPv4, isIPv6 } from 'node:net';

/** The networks one limit is counted over: one host, its neighbours, its provider's block. */
export const IPV4_PREFIXES = [32, 26, 21] as const;
export const IPV6_PREFIXES = [64, 48, 32] as const;

function ipv4Bits(address: string): bigint {
  return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Bits(address: string): bigint {
  let text = address.toLowerCase().replace(/%.*$/, '');
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const bits = ipv4Bits(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(bits >> 16n).toString(16)}:${(bits & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const hextets = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return hextets.reduce((acc, h) => (acc << 16n) | BigInt(parseInt(h || '0', 16)), 0n);
}

/**
 * The group keys of a remote address, narrowest first: /32, /26, /21 for IPv4 and /64,
 * /48, /32 for IPv6 (an IPv4-mapped IPv6 address counts as IPv4). A limit applies to each
 * group, so one host, a small neighbourhood and a whole provider block each have a ceiling.
 */
export function ipGroups(rawAddress: string): string[] {
  const address = rawAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIPv4(address)) {
    const bits = ipv4Bits(address);
    return IPV4_PREFIXES.map((p) => {
      const network = (bits >> BigInt(32 - p)) << BigInt(32 - p);
      const text = [24n, 16n, 8n, 0n].map((s) => ((network >> s) & 0xffn).toString()).join('.');
      return `${text}/${p}`;
    });
  }
  if (isIPv6(address)) {
    const bits = ipv6Bits(address);
    return IPV6_PREFIXES.map((p) => {
      const network = bits >> BigInt(128 - p);
      return `${network.toString(16)}::/${p}`;
    });
  }
  return [`${address}/?`];
}
