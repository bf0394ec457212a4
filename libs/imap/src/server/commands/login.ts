import type { SaslSession, SaslStep } from '@postern/sasl';
import { Command } from '../../protocol/command';
import { ImapCommandError, bad, no } from '../errors';
import { Completion, ImapSession } from '../session';

type Of<N extends Command['name']> = Command & { name: N };

function completion(session: ImapSession): Completion {
  return { code: `CAPABILITY ${session.capabilityList().join(' ')}`, text: 'authenticated' };
}

/** RFC 9051 6.2.3: refused before TLS (LOGINDISABLED). */
export async function login(session: ImapSession, _tag: string, command: Of<'LOGIN'>): Promise<Completion> {
  if (!session.secure) throw no('PRIVACYREQUIRED', 'LOGIN needs TLS first (STARTTLS)');
  const user = await session.options.auth.login(command.user, command.password, session.connection());
  if (!user) throw no('AUTHENTICATIONFAILED', 'invalid credentials');
  await session.authenticated(user);
  return completion(session);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(text: string): Buffer {
  if (!BASE64.test(text)) throw bad('response is not base64');
  return Buffer.from(text, 'base64');
}

const INVALID: SaslStep = { failure: { reason: 'invalid-credentials', text: 'invalid credentials' } };

/** RFC 4616 PLAIN over the `login` callback, for servers built without libs/sasl's mechanisms. */
function plainSession(session: ImapSession): SaslSession {
  const check = async (message: Buffer): Promise<SaslStep> => {
    const parts = message.toString('utf8').split('\0');
    if (parts.length !== 3) return { failure: { reason: 'malformed', text: 'PLAIN needs authzid NUL authcid NUL password' } };
    const [authzid, authcid, password] = parts;
    if (authzid !== '' && authzid !== authcid) return INVALID;
    const user = await session.options.auth.login(authcid, password, session.connection());
    return user ? { success: user } : INVALID;
  };
  return {
    mechanism: 'PLAIN',
    start: (initial) => (initial === undefined || initial.length === 0 ? Promise.resolve({ challenge: Buffer.alloc(0) }) : check(initial)),
    step: check,
    abort: () => ({ failure: { reason: 'aborted', text: 'authentication cancelled' } }),
  };
}

/** RFC 9051 6.2.2 AUTHENTICATE with RFC 4959 SASL-IR. */
export async function authenticate(session: ImapSession, _tag: string, command: Of<'AUTHENTICATE'>): Promise<Completion> {
  const connection = session.connection();
  const mechanism = command.mechanism;
  if (!session.mechanisms().includes(mechanism)) {
    if (!connection.secure && (mechanism === 'PLAIN' || mechanism === 'LOGIN'))
      throw no('PRIVACYREQUIRED', `${mechanism} needs TLS first (STARTTLS)`);
    throw no('CANNOT', `mechanism ${mechanism} is not offered`);
  }
  const exchange = session.options.auth.sasl?.(mechanism, connection) ?? (mechanism === 'PLAIN' ? plainSession(session) : null);
  if (!exchange) throw no('CANNOT', `mechanism ${mechanism} is not supported`);
  const initial = command.initial === null ? undefined : command.initial === '=' ? Buffer.alloc(0) : decodeBase64(command.initial);
  let step: SaslStep;
  try {
    step = await exchange.start(initial);
    for (let rounds = 0; 'challenge' in step; rounds++) {
      if (rounds > 10) throw no('AUTHENTICATIONFAILED', 'too many rounds');
      session.write(Buffer.from(`+ ${step.challenge.toString('base64')}\r\n`));
      const line = await session.nextLine();
      if (line === null) return { answered: true };
      const text = line.toString('latin1');
      step = text === '*' ? exchange.abort() : await exchange.step(decodeBase64(text));
    }
    if ('success' in step && step.additionalData) {
      // RFC 4422 5: the server's additional data with success (SCRAM's server-final) as one
      // more challenge, answered with an empty response.
      session.write(Buffer.from(`+ ${step.additionalData.toString('base64')}\r\n`));
      const ack = await session.nextLine();
      if (ack === null) return { answered: true };
      if (ack.length !== 0) throw bad('expected an empty response');
    }
  } catch (err) {
    if (err instanceof ImapCommandError) throw err;
    // libs/sasl passes the account lookup's own failure on (the database is down).
    session.logger.warn({ session: session.id, err: err instanceof Error ? err.message : String(err) }, 'imap sasl lookup failed');
    throw no('UNAVAILABLE', 'account lookup failed; try again');
  }
  if ('failure' in step) {
    const { reason, text } = step.failure;
    if (reason === 'malformed' || reason === 'aborted') throw bad(text);
    if (reason === 'unsupported') throw no('CANNOT', text);
    throw no('AUTHENTICATIONFAILED', text);
  }
  await session.authenticated(step.success);
  return completion(session);
}
