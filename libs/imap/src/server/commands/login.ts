import { Command } from '../../protocol/command';
import { bad, no } from '../errors';
import { Completion, ImapSession } from '../session';
import { SaslExchange, SaslStep } from '../store';

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

const decodeBase64 = (text: string): Buffer => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw bad('response is not base64');
  return Buffer.from(text, 'base64');
};

/** RFC 4616 PLAIN: authzid NUL authcid NUL password. */
function plainExchange(session: ImapSession): SaslExchange {
  const check = async (message: Buffer): Promise<SaslStep> => {
    const parts = message.toString('utf8').split('\0');
    if (parts.length !== 3) return { failure: 'malformed PLAIN response' };
    const [authzid, authcid, password] = parts;
    if (authzid !== '' && authzid !== authcid) return { failure: 'authorization identity differs' };
    const user = await session.options.auth.login(authcid, password, session.connection());
    return user ? { success: user } : { failure: 'invalid credentials' };
  };
  return {
    start: (initial) => (initial === null ? Promise.resolve({ challenge: Buffer.alloc(0) }) : check(initial)),
    step: check,
  };
}

/** RFC 9051 6.2.2, RFC 4959 SASL-IR. */
export async function authenticate(session: ImapSession, _tag: string, command: Of<'AUTHENTICATE'>): Promise<Completion> {
  const connection = session.connection();
  if (!connection.secure) throw no('PRIVACYREQUIRED', 'AUTHENTICATE needs TLS first (STARTTLS)');
  let exchange: SaslExchange | null = null;
  if (command.mechanism === 'PLAIN') exchange = plainExchange(session);
  else if ((session.options.auth.mechanisms?.(connection) ?? []).includes(command.mechanism)) {
    exchange = session.options.auth.sasl?.(command.mechanism, connection) ?? null;
  }
  if (!exchange) throw no('CANNOT', `mechanism ${command.mechanism} is not supported`);
  const initial = command.initial === null ? null : command.initial === '=' ? Buffer.alloc(0) : decodeBase64(command.initial);
  let step = await exchange.start(initial);
  for (let rounds = 0; ; rounds++) {
    if ('failure' in step) throw no('AUTHENTICATIONFAILED', step.failure);
    if ('success' in step) {
      if (step.final) {
        // RFC 4422 5: server's additional data with success, sent as a last challenge the
        // client answers with an empty response.
        session.write(Buffer.from(`+ ${step.final.toString('base64')}\r\n`));
        const ack = await session.nextLine();
        if (ack === null) return {};
        if (ack.length !== 0) throw no('AUTHENTICATIONFAILED', 'expected an empty response');
      }
      await session.authenticated(step.success);
      return completion(session);
    }
    if (rounds > 10) throw no('AUTHENTICATIONFAILED', 'too many rounds');
    session.write(Buffer.from(`+ ${step.challenge.toString('base64')}\r\n`));
    const line = await session.nextLine();
    if (line === null) return {};
    const text = line.toString('latin1');
    if (text === '*') throw bad('authentication cancelled');
    step = await exchange.step(decodeBase64(text));
  }
}
