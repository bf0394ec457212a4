/** What happened to one recipient in one delivery attempt. */
export interface RecipientOutcome {
  address: string;
  outcome: 'delivered' | 'temporary' | 'permanent';
  code: number | null;
  enhanced: string | null;
  text: string;
  remoteHost: string | null;
  remoteIp: string | null;
  tlsVersion: string | null;
}

/** Where a reply came from, to copy into each recipient's outcome. */
export interface Remote {
  host: string | null;
  ip: string | null;
  tlsVersion: string | null;
}

export function outcomeOf(address: string, code: number, enhanced: string | null, text: string, remote: Remote): RecipientOutcome {
  return {
    address,
    outcome: code >= 200 && code < 300 ? 'delivered' : code >= 500 ? 'permanent' : 'temporary',
    code,
    enhanced,
    text,
    remoteHost: remote.host,
    remoteIp: remote.ip,
    tlsVersion: remote.tlsVersion,
  };
}

/** An outcome decided without an SMTP reply (DNS, policy, connection failures). */
export function localOutcome(
  address: string,
  outcome: 'temporary' | 'permanent',
  enhanced: string,
  text: string,
  remote: Remote = { host: null, ip: null, tlsVersion: null },
): RecipientOutcome {
  return { address, outcome, code: null, enhanced, text, remoteHost: remote.host, remoteIp: remote.ip, tlsVersion: remote.tlsVersion };
}
