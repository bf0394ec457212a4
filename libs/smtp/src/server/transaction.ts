import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { releaseTime } from './future-release';
import { SmtpEnvelope, SmtpReplyError, SmtpSessionHooks } from './hooks';
import type { IpLimiter } from './ip-limits';
import { ConnectionState, replyError } from './session-state';
import { findSmuggling } from './smuggling';

/** A hook's refusal as smtp-server's callback error; anything else is our fault: 451, logged as an error. */
function hookError(state: ConnectionState, stage: string, err: unknown): Error {
  if (err instanceof SmtpReplyError) {
    state.logger[err.peerCaused ? 'info' : 'error']({ stage, code: err.code, enhanced: err.enhanced, text: err.message }, 'refused');
    return replyError(err.code, err.enhanced, err.message);
  }
  state.logger.error({ stage, err }, 'hook failed');
  return replyError(451, '4.3.0', 'Local error in processing; try again later');
}

function envelopeOf(session: SMTPServerSession, state: ConnectionState): SmtpEnvelope {
  const from = session.envelope.mailFrom;
  return {
    mailFrom: {
      address: from ? from.address : '',
      params: (from && from.args) || {},
      ...(state.holdUntil ? { holdUntil: state.holdUntil } : {}),
    },
    recipients: session.envelope.rcptTo.map((r) => r.address),
  };
}

export async function handleMailFrom(input: {
  state: ConnectionState;
  address: SMTPServerAddress;
  limiter: IpLimiter;
  hooks: SmtpSessionHooks;
  submission: boolean;
  holdSeconds: number;
}): Promise<void> {
  const { state, address } = input;
  const params = address.args || {};
  state.holdUntil = undefined;
  const limited = input.limiter.startMessage(state.info.remoteAddress);
  if (limited) {
    state.logger.info({ limited }, 'message refused by limit');
    throw replyError(452, '4.7.0', `Too many ${limited.what} from ${limited.group} (limit ${limited.limit}); try again later`);
  }
  if (params.HOLDFOR !== undefined || params.HOLDUNTIL !== undefined) {
    // RFC 4865 is a submission extension; the MX does not announce it.
    if (!input.submission) throw replyError(555, '5.5.4', 'HOLDFOR/HOLDUNTIL are not supported here');
    try {
      state.holdUntil = releaseTime(params, input.holdSeconds) ?? undefined;
    } catch (err) {
      throw replyError(501, '5.5.4', (err as Error).message);
    }
  }
  if (!input.hooks.checkMailFrom) return;
  try {
    await input.hooks.checkMailFrom(state.info, {
      address: address.address,
      params,
      ...(state.holdUntil ? { holdUntil: state.holdUntil } : {}),
    });
  } catch (err) {
    throw hookError(state, 'MAIL FROM', err);
  }
}

export async function handleRecipient(input: {
  state: ConnectionState;
  address: SMTPServerAddress;
  session: SMTPServerSession;
  hooks: SmtpSessionHooks;
}): Promise<void> {
  if (!input.hooks.checkRecipient) return;
  try {
    await input.hooks.checkRecipient(input.state.info, input.address.address, envelopeOf(input.session, input.state));
  } catch (err) {
    throw hookError(input.state, 'RCPT TO', err);
  }
}

/** Reads the message, refuses smuggling, and hands it to onMessage; resolves to the 250 text. */
export async function handleData(input: {
  state: ConnectionState;
  stream: SMTPServerDataStream;
  session: SMTPServerSession;
  limiter: IpLimiter;
  hooks: SmtpSessionHooks;
  maxMessageSize: number;
}): Promise<string | undefined> {
  const { state, stream } = input;
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit smtp-server answers 552 itself (rejectOversized); nothing is kept.
      if (size <= input.maxMessageSize) chunks.push(chunk);
    });
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  input.limiter.addBytes(state.info.remoteAddress, size);
  if (stream.sizeExceeded || size > input.maxMessageSize) {
    state.logger.info({ size }, 'message too large');
    return undefined;
  }
  const raw = Buffer.concat(chunks, size);
  const smuggled = findSmuggling(raw);
  if (smuggled) {
    state.logger.warn({ found: smuggled }, 'SMTP smuggling attempt refused');
    // RFC 5321 4.1.1.4: only <CRLF>.<CRLF> ends DATA.
    throw replyError(
      500,
      '5.5.2',
      `Message refused: it contains ${smuggled}, an end of DATA other servers may see (SMTP smuggling); end lines with CRLF`,
    );
  }
  try {
    const result = await input.hooks.onMessage(state.info, envelopeOf(input.session, state), raw);
    const queueId = result && result.queueId;
    state.logger.info({ size, recipients: input.session.envelope.rcptTo.length, queueId }, 'message accepted');
    return queueId ? `Queued as ${queueId}` : 'Message accepted';
  } catch (err) {
    throw hookError(state, 'DATA', err);
  }
}
