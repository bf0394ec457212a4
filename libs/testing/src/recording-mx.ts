import { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface RecordedTransaction {
  mailFrom: string;
  recipients: string[];
  data: Buffer;
  secure: boolean;
}

export interface RecordingMx {
  readonly port: number;
  /** Transactions that reached the end of DATA, in order. */
  readonly transactions: RecordedTransaction[];
  /** Every MAIL FROM the server saw (accepted or not). */
  readonly mailCommands: string[];
  /** RCPT TO attempts per address. */
  readonly rcptAttempts: Map<string, number>;
  close(): Promise<void>;
}

function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * An MX for tests (smtp-server) that records what it receives and answers by the
 * recipient's local part: `reject…` 550 5.1.1, `full…` 552 5.2.2, `temp…` always 451 4.3.0,
 * `flaky…` 451 on the first try then accepts; anything else is accepted. `rcptMax` answers
 * 452 4.5.3 to recipients past that number in one transaction.
 */
export async function startRecordingMx(options: { rcptMax?: number; tls?: { key: string; cert: string } } = {}): Promise<RecordingMx> {
  const transactions: RecordedTransaction[] = [];
  const mailCommands: string[] = [];
  const rcptAttempts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    hideSTARTTLS: !options.tls,
    key: options.tls?.key,
    cert: options.tls?.cert,
    logger: false,
    size: 50 * 1024 * 1024,
    onMailFrom(address, _session, callback) {
      mailCommands.push(address.address);
      callback();
    },
    onRcptTo(address, session: SMTPServerSession, callback) {
      const to = address.address;
      const local = to.split('@')[0].toLowerCase();
      const tries = (rcptAttempts.get(to) ?? 0) + 1;
      rcptAttempts.set(to, tries);
      if (options.rcptMax !== undefined && session.envelope.rcptTo.length >= options.rcptMax) {
        return callback(reply(452, '4.5.3 Too many recipients'));
      }
      if (local.startsWith('reject')) return callback(reply(550, '5.1.1 No such user here'));
      if (local.startsWith('full')) return callback(reply(552, '5.2.2 Mailbox full'));
      if (local.startsWith('temp')) return callback(reply(451, '4.3.0 Try again later'));
      if (local.startsWith('flaky') && tries === 1) return callback(reply(451, '4.3.0 Greylisted, try again'));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        transactions.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          secure: session.secure,
        });
        callback(null, 'Ok: queued');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return {
    port,
    transactions,
    mailCommands,
    rcptAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
