import { DnsError, DnsResolver, MtaStsCache, MtaStsPolicy, mtaStsHostMatches, resolveHostAddresses, resolveMxHosts } from '@postern/dns';
import type { Logger } from '@postern/observability';
import { SmtpClientError, SmtpSession, connectSmtp, connectViaSocks5 } from '@postern/smtp';
import { RecipientOutcome, Remote, localOutcome, outcomeOf } from './outcome';

export interface DirectTransportOptions {
  resolver: DnsResolver;
  mtaSts: MtaStsCache;
  localHostname: string;
  /** 25, except in tests. */
  port: number;
  ca?: (string | Buffer)[];
  logger: Logger;
  timeouts?: { connectMs?: number; commandMs?: number; dataMs?: number };
  /** Route connections through a SOCKS5 proxy. */
  socks?: { host: string; port: number };
}

export interface DirectDelivery {
  domain: string;
  mailFrom: string;
  recipients: string[];
  data: Buffer;
  /** RFC 8689: true = REQUIRETLS, false = `TLS-Required: No` (ignore TLS policies), null = default. */
  requireTls: boolean | null;
}

/** Most servers take 100 recipients per transaction (RFC 5321 4.5.3.1.8 minimum). */
const DEFAULT_RCPT_MAX = 100;

/**
 * Delivers one message to the MX hosts of one domain: all its recipients there in as few
 * SMTP transactions as the server allows. Never throws; every recipient gets an outcome.
 */
export class DirectTransport {
  constructor(private readonly options: DirectTransportOptions) {}

  async deliver(job: DirectDelivery): Promise<RecipientOutcome[]> {
    const { resolver } = this.options;
    const all = (outcome: 'temporary' | 'permanent', enhanced: string, text: string) =>
      job.recipients.map((a) => localOutcome(a, outcome, enhanced, text));

    let mx;
    try {
      mx = await resolveMxHosts(resolver, job.domain);
    } catch (err) {
      const dns = err instanceof DnsError ? err : null;
      if (dns && dns.kind !== 'temporary') {
        // RFC 5321 5.1: a domain with neither MX nor address records cannot receive mail.
        return all('permanent', '5.1.2', `domain ${job.domain} does not exist or has no mail server (${dns.code})`);
      }
      return all('temporary', '4.4.3', `DNS lookup for ${job.domain} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (mx.kind === 'null-mx') {
      return all('permanent', '5.1.10', `domain ${job.domain} does not accept mail (null MX, RFC 7505)`);
    }

    // RFC 8689 5: `TLS-Required: No` asks us to ignore MTA-STS and DANE for this message.
    let policy: MtaStsPolicy | null = null;
    if (job.requireTls !== false) {
      try {
        policy = await this.options.mtaSts.policyFor(job.domain);
      } catch (err) {
        this.options.logger.debug({ domain: job.domain, err: err instanceof Error ? err.message : String(err) }, 'mta-sts lookup failed');
      }
    }
    const enforce = policy?.mode === 'enforce';
    let hosts = mx.hosts;
    if (enforce && policy) {
      hosts = hosts.filter((h) => mtaStsHostMatches(policy, h.host));
      if (hosts.length === 0) {
        // RFC 8461 5.1: with an enforce policy, do not deliver to MX hosts the policy does not list.
        return all('temporary', '4.7.5', `no MX host of ${job.domain} matches its MTA-STS policy (mx: ${policy.mx.join(', ')})`);
      }
    }
    const verifyTls = enforce || job.requireTls === true;

    let pending = [...job.recipients];
    const outcomes: RecipientOutcome[] = [];
    let last: RecipientOutcome = localOutcome('', 'temporary', '4.4.1', `no MX host of ${job.domain} could be reached`);
    for (const host of hosts) {
      let addresses: string[];
      try {
        addresses = await resolveHostAddresses(resolver, host.host);
      } catch (err) {
        last = localOutcome(
          '',
          'temporary',
          '4.4.3',
          `cannot resolve MX host ${host.host}: ${err instanceof Error ? err.message : String(err)}`,
        );
        continue;
      }
      for (const ip of addresses) {
        const remote: Remote = { host: host.host, ip, tlsVersion: null };
        let session: SmtpSession;
        try {
          session = await this.connect(host.host, ip, verifyTls);
        } catch (err) {
          last = this.failure(err, remote);
          continue; // RFC 5321 5.1: try the next address or host
        }
        remote.tlsVersion = session.tls?.protocol ?? null;
        try {
          pending = await sendInTransactions(session, job, pending, remote, outcomes);
        } catch (err) {
          last = this.failure(err, remote);
        } finally {
          await session.quit();
        }
        if (pending.length === 0) return outcomes;
      }
    }
    return [...outcomes, ...pending.map((address) => ({ ...last, address, outcome: 'temporary' as const }))];
  }

  /** STARTTLS when offered; plaintext only where nothing requires TLS (RFC 7435 opportunistic security). */
  private async connect(host: string, address: string, verify: boolean): Promise<SmtpSession> {
    const { socks, port } = this.options;
    const base = {
      host,
      address,
      port,
      localHostname: this.options.localHostname,
      timeouts: this.options.timeouts,
      socket: socks ? () => connectViaSocks5(socks, address, port) : undefined,
    };
    if (verify) return connectSmtp({ ...base, tlsMode: 'starttls-required', tls: { verify: true, ca: this.options.ca } });
    try {
      return await connectSmtp({ ...base, tlsMode: 'starttls-opportunistic', tls: { verify: false } });
    } catch (err) {
      if (err instanceof SmtpClientError && err.stage === 'starttls') return connectSmtp({ ...base, tlsMode: 'none' });
      throw err;
    }
  }

  private failure(err: unknown, remote: Remote): RecipientOutcome {
    return failureOutcome(err, remote, this.options.logger);
  }
}

/** What a session-level failure means for the recipients still waiting. */
export function failureOutcome(err: unknown, remote: Remote, logger: Logger): RecipientOutcome {
  if (err instanceof SmtpClientError) {
    if (err.reply) {
      // A 5xx greeting or AUTH refusal is about this host; other hosts may still take the mail.
      return { ...outcomeOf('', err.reply.code, err.reply.enhanced, err.reply.text, remote), outcome: 'temporary' };
    }
    return localOutcome('', 'temporary', err.stage === 'starttls' ? '4.7.5' : '4.4.1', `${err.stage}: ${err.message}`, remote);
  }
  logger.error({ err }, 'unexpected delivery error');
  return localOutcome('', 'temporary', '4.4.0', `internal error: ${err instanceof Error ? err.message : String(err)}`, remote);
}

/**
 * Sends to `pending` in transactions of at most RCPTMAX recipients (RFC 9422). A 452 "too
 * many recipients" after others were accepted sends the rest in the next transaction at
 * once (RFC 5321 4.5.3.1.10). Returns the recipients still undecided.
 */
export async function sendInTransactions(
  session: SmtpSession,
  job: Pick<DirectDelivery, 'mailFrom' | 'data' | 'requireTls'>,
  pending: string[],
  remote: Remote,
  outcomes: RecipientOutcome[],
): Promise<string[]> {
  const max = session.extensions.rcptMax ?? DEFAULT_RCPT_MAX;
  let rest = pending;
  while (rest.length > 0) {
    const chunk = rest.slice(0, max);
    const result = await session.send({ mailFrom: job.mailFrom, recipients: chunk, data: job.data, requireTls: job.requireTls === true });
    const retryNow: string[] = [];
    const acceptedAny = result.recipients.some((r) => r.accepted);
    for (const r of result.recipients) {
      if (r.accepted) {
        const final = result.data ?? {
          code: 451,
          enhanced: '4.4.2',
          text: 'the server accepted the recipient but the data was not sent',
        };
        outcomes.push(outcomeOf(r.address, final.code, final.enhanced, final.text, remote));
      } else if (r.reply.code === 452 && acceptedAny) {
        retryNow.push(r.address);
      } else {
        outcomes.push(outcomeOf(r.address, r.reply.code, r.reply.enhanced, r.reply.text, remote));
      }
    }
    rest = [...retryNow, ...rest.slice(chunk.length)];
  }
  return rest;
}
