/**
 * `createSaslServer` picks the mechanism and wraps it in a session that enforces the order of
 * an exchange (start once, then steps until a success or a failure, RFC 4422 3) and turns
 * anything unexpected from the client into a failure instead of an exception.
 */

import { fail, type MechanismHandler } from './common';
import { CramMd5Mechanism } from './cram-md5';
import { ExternalMechanism } from './external';
import { LoginMechanism } from './login';
import { PlainMechanism } from './plain';
import { ScramMechanism } from './scram';
import { SASL_MECHANISMS, type SaslMechanism, type SaslServerOptions, type SaslSession, type SaslStep } from './types';

/** A rejection of the caller's `lookup`, carried through the session's own error handling. */
class LookupFailure extends Error {
  constructor(readonly failure: unknown) {
    super('SASL account lookup failed');
  }
}

function handlerFor(mechanism: SaslMechanism, options: SaslServerOptions): MechanismHandler | undefined {
  switch (mechanism) {
    case 'PLAIN':
      return new PlainMechanism(options);
    case 'LOGIN':
      return new LoginMechanism(options);
    case 'CRAM-MD5':
      return new CramMd5Mechanism(options);
    case 'SCRAM-SHA-1':
      return new ScramMechanism(options, { hash: 'sha1', plus: false });
    case 'SCRAM-SHA-256':
      return new ScramMechanism(options, { hash: 'sha256', plus: false });
    case 'SCRAM-SHA-1-PLUS':
    case 'SCRAM-SHA-256-PLUS':
      // Without the connection's channel binding data there is nothing to bind to.
      return options.channelBinding
        ? new ScramMechanism(options, { hash: mechanism === 'SCRAM-SHA-1-PLUS' ? 'sha1' : 'sha256', plus: true })
        : undefined;
    case 'EXTERNAL':
      return new ExternalMechanism(options);
  }
}

export function isSaslMechanism(name: string): name is SaslMechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

class GuardedSession implements SaslSession {
  private state: 'new' | 'running' | 'done' = 'new';

  constructor(
    readonly mechanism: string,
    private readonly handler: MechanismHandler | undefined,
  ) {}

  start(initialResponse?: Buffer): Promise<SaslStep> {
    if (this.state !== 'new') {
      return Promise.resolve(this.finish(fail('malformed', 'Authentication exchange already started')));
    }
    this.state = 'running';
    const handler = this.handler;
    if (!handler) {
      return Promise.resolve(this.finish(fail('unsupported', `Mechanism ${this.mechanism} is not available`)));
    }
    return this.run(() => handler.start(initialResponse));
  }

  step(response: Buffer): Promise<SaslStep> {
    const handler = this.handler;
    if (this.state !== 'running' || !handler) {
      return Promise.resolve(this.finish(fail('malformed', 'No authentication exchange in progress')));
    }
    return this.run(() => handler.step(response));
  }

  abort(): SaslStep {
    return this.finish(fail('aborted', 'Authentication cancelled'));
  }

  private async run(action: () => Promise<SaslStep>): Promise<SaslStep> {
    try {
      const result = await action();
      return 'challenge' in result ? result : this.finish(result);
    } catch (err) {
      this.state = 'done';
      if (err instanceof LookupFailure) {
        throw err.failure;
      }
      return fail('malformed', 'Authentication message could not be processed');
    }
  }

  private finish(result: SaslStep): SaslStep {
    this.state = 'done';
    return result;
  }
}

/**
 * Starts a server-side exchange for the mechanism the client named (case-insensitively, as
 * SMTP AUTH and IMAP AUTHENTICATE accept it). An unknown mechanism, or a -PLUS one without
 * `channelBinding`, gives a session whose `start` fails with `unsupported`. Which mechanisms a
 * connection may use (no PLAIN before TLS) is the caller's check, with `saslMechanisms`.
 */
export function createSaslServer(mechanism: string, options: SaslServerOptions): SaslSession {
  const name = mechanism.toUpperCase();
  const guarded: SaslServerOptions = {
    ...options,
    lookup: async (username) => {
      try {
        return await options.lookup(username);
      } catch (err) {
        throw new LookupFailure(err);
      }
    },
  };
  if (!isSaslMechanism(name)) {
    return new GuardedSession(name.slice(0, 40), undefined);
  }
  return new GuardedSession(name, handlerFor(name, guarded));
}

export interface SaslAdvertiseOptions {
  /** The connection is encrypted (implicit TLS or after STARTTLS). */
  tls: boolean;
  /** Channel binding data is available, so -PLUS can be offered (implies `tls`). */
  channelBinding: boolean;
  /** The client presented a certificate the caller can map to an account. */
  external: boolean;
}

/**
 * The mechanisms to advertise (SMTP EHLO `AUTH`, IMAP `AUTH=` capabilities), strongest first.
 * PLAIN and LOGIN send the password itself, so they wait for TLS (RFC 4954 4, RFC 9051 11.1);
 * EXTERNAL needs a TLS client certificate; -PLUS needs channel binding data.
 */
export function saslMechanisms(opts: SaslAdvertiseOptions): SaslMechanism[] {
  const list: SaslMechanism[] = [];
  if (opts.tls && opts.channelBinding) {
    list.push('SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS');
  }
  list.push('SCRAM-SHA-256', 'SCRAM-SHA-1', 'CRAM-MD5');
  if (opts.tls) {
    list.push('PLAIN', 'LOGIN');
    if (opts.external) {
      list.push('EXTERNAL');
    }
  }
  return list;
}
