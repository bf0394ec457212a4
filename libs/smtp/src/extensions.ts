import type { SmtpReply } from './reply-reader';

export interface SmtpExtensions {
  pipelining: boolean;
  /** RFC 1870 SIZE limit in octets; null when not advertised or without a (non-zero) number. */
  size: number | null;
  starttls: boolean;
  requireTls: boolean;
  smtpUtf8: boolean;
  eightBitMime: boolean;
  enhancedStatusCodes: boolean;
  /** RFC 9422 LIMITS RCPTMAX. */
  rcptMax: number | null;
  /** SASL mechanisms, upper case, from `AUTH ...` and the old `AUTH=...` form. */
  auth: string[];
  /** Every keyword (upper case) with its parameters. */
  raw: Map<string, string>;
}

/**
 * Parses a 250 reply to EHLO (RFC 5321 4.1.1.1): the first line names the server, each
 * further line is `keyword [params]`. A HELO reply gives no extensions.
 */
export function parseExtensions(reply: SmtpReply): SmtpExtensions {
  const raw = new Map<string, string>();
  const auth = new Set<string>();
  for (const line of reply.text.split('\n').slice(1)) {
    const trimmed = line.trim();
    // Some servers still announce `AUTH=LOGIN PLAIN` (pre-RFC 4954 drafts) beside `AUTH ...`.
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*)(?:[ =](.*))?$/.exec(trimmed);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const params = (match[2] ?? '').trim();
    if (keyword === 'AUTH')
      params
        .split(/\s+/)
        .filter(Boolean)
        .forEach((m) => auth.add(m.toUpperCase()));
    raw.set(keyword, keyword === 'AUTH' ? [...auth].join(' ') : params);
  }
  const size = raw.get('SIZE') ?? '';
  // RFC 9422 4: LIMITS carries space-separated NAME=value pairs.
  const rcptMax = /(?:^|\s)RCPTMAX=(\d+)(?=\s|$)/i.exec(raw.get('LIMITS') ?? '');
  return {
    pipelining: raw.has('PIPELINING'),
    size: /^\d+$/.test(size) && Number(size) > 0 ? Number(size) : null,
    starttls: raw.has('STARTTLS'),
    requireTls: raw.has('REQUIRETLS'),
    smtpUtf8: raw.has('SMTPUTF8'),
    eightBitMime: raw.has('8BITMIME'),
    enhancedStatusCodes: raw.has('ENHANCEDSTATUSCODES'),
    rcptMax: rcptMax && Number(rcptMax[1]) > 0 ? Number(rcptMax[1]) : null,
    auth: [...auth],
    raw,
  };
}

/** What a server that only answered HELO offers: nothing. */
export function noExtensions(): SmtpExtensions {
  return parseExtensions({ code: 250, enhanced: null, text: '' });
}
