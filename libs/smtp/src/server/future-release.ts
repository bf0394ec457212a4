/**
 * RFC 4865 FUTURERELEASE: MAIL FROM's HOLDFOR=<seconds> or HOLDUNTIL=<RFC 3339 time> asks
 * the server to hold the message until then.
 */

/** Parses the hold parameters into the release time; null when there are none. Throws a message for a 501 reply. */
export function releaseTime(params: Record<string, string | true>, maxSeconds: number, now: Date = new Date()): Date | null {
  const holdFor = params.HOLDFOR;
  const holdUntil = params.HOLDUNTIL;
  if (holdFor === undefined && holdUntil === undefined) return null;
  // RFC 4865 3: the two parameters are mutually exclusive.
  if (holdFor !== undefined && holdUntil !== undefined) throw new Error('HOLDFOR and HOLDUNTIL may not both be given');
  let at: Date;
  if (holdFor !== undefined) {
    if (typeof holdFor !== 'string' || !/^\d{1,10}$/.test(holdFor)) throw new Error('HOLDFOR must be a number of seconds');
    at = new Date(now.getTime() + Number(holdFor) * 1000);
  } else {
    // RFC 4865 3: date-time of RFC 3339 (5.6).
    const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
    if (typeof holdUntil !== 'string' || !rfc3339.test(holdUntil)) throw new Error('HOLDUNTIL must be an RFC 3339 date-time');
    at = new Date(holdUntil);
    if (Number.isNaN(at.getTime())) throw new Error('HOLDUNTIL must be an RFC 3339 date-time');
  }
  // RFC 4865 4: beyond the advertised interval the server refuses.
  if (at.getTime() > now.getTime() + maxSeconds * 1000) throw new Error(`the release time is more than ${maxSeconds} seconds ahead`);
  return at;
}

/** The EHLO keyword: `FUTURERELEASE <max interval> <max date-time>` (RFC 4865 3). */
export function futureReleaseKeyword(maxSeconds: number, now: Date = new Date()): string {
  const until = new Date(now.getTime() + maxSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `FUTURERELEASE ${maxSeconds} ${until}`;
}
