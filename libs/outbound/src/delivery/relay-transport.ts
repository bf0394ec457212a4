import type { Logger } from '@postern/observability';
import { SmtpSession, connectSmtp } from '@postern/smtp';
import { DirectDelivery, failureOutcome, sendInTransactions } from './direct-transport';
import { RecipientOutcome, Remote, outcomeOf } from './outcome';

export interface RelayTransportOptions {
  host: string;
  port: number;
  tls: 'starttls' | 'implicit' | 'none';
  verifyTls: boolean;
  ca?: (string | Buffer)[];
  /** AUTH with the strongest mechanism both sides know (SCRAM-SHA-256, CRAM-MD5, PLAIN). */
  auth?: { username: string; password: string };
  localHostname: string;
  logger: Logger;
}

/** Hands every recipient to one smarthost (relay on 25, or submission on 587/465 with AUTH). */
export class RelayTransport {
  constructor(private readonly options: RelayTransportOptions) {}

  async deliver(job: DirectDelivery): Promise<RecipientOutcome[]> {
    const { host, port, tls } = this.options;
    const remote: Remote = { host, ip: null, tlsVersion: null };
    const outcomes: RecipientOutcome[] = [];
    let session: SmtpSession | null = null;
    try {
      session = await connectSmtp({
        host,
        port,
        localHostname: this.options.localHostname,
        tlsMode: tls === 'implicit' ? 'implicit' : tls === 'starttls' ? 'starttls-required' : 'none',
        tls: { verify: this.options.verifyTls, ca: this.options.ca },
        auth: this.options.auth,
      });
      remote.ip = session.remoteAddress;
      remote.tlsVersion = session.tls?.protocol ?? null;
      const rest = await sendInTransactions(session, job, job.recipients, remote, outcomes);
      return [...outcomes, ...rest.map((address) => ({ ...outcomeOf(address, 451, '4.4.0', 'not attempted', remote) }))];
    } catch (err) {
      const failure = failureOutcome(err, remote, this.options.logger);
      const decided = new Set(outcomes.map((o) => o.address));
      // An AUTH refusal (535) stays a failure of this relay: permanent replies keep their class.
      const outcome: RecipientOutcome['outcome'] = failure.code !== null && failure.code >= 500 ? 'permanent' : 'temporary';
      return [...outcomes, ...job.recipients.filter((a) => !decided.has(a)).map((address) => ({ ...failure, address, outcome }))];
    } finally {
      await session?.quit();
    }
  }
}

/** Answers every recipient with a fixed reply: blocking a destination, or testing. */
export function failTransportOutcomes(recipients: string[], code: number, text: string): RecipientOutcome[] {
  const enhanced = code >= 500 ? '5.0.0' : '4.0.0';
  return recipients.map((address) => outcomeOf(address, code, enhanced, text, { host: null, ip: null, tlsVersion: null }));
}
