import { Inject, Injectable } from '@nestjs/common';
import { AccountsService } from '@postern/accounts';
import type { Account } from '@postern/db';
import { AddressesService } from '@postern/domains';
import { DomainError } from '@postern/errors';
import type { SmtpAuthContext, SmtpAuthenticator, SmtpSaslSession, SmtpSaslStep } from '@postern/smtp';

const INVALID: SmtpSaslStep = { failure: { reason: 'invalid-credentials', text: 'invalid credentials' } };
const ABORTED: SmtpSaslStep = { failure: { reason: 'aborted', text: 'aborted' } };

/**
 * Submission's AUTH against the account password: PLAIN (RFC 4616) and LOGIN. The login
 * name is one of the account's addresses or the account's name.
 */
@Injectable()
export class SubmissionAuthenticator implements SmtpAuthenticator {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
  ) {}

  /** The account a login name stands for, or null. */
  async resolveLogin(username: string): Promise<Account | null> {
    if (username.includes('@')) {
      const address = await this.addresses.find(username);
      return address ? this.accounts.get(address.accountId).catch(() => null) : null;
    }
    return this.accounts.get(username).catch((err: unknown) => {
      if (err instanceof DomainError) return null;
      throw err;
    });
  }

  private async check(username: string, password: string): Promise<SmtpSaslStep> {
    const account = await this.resolveLogin(username);
    if (!account || account.disabled) return INVALID;
    if (!(await this.accounts.checkPassword(account.id, password))) return INVALID;
    return { success: { username, accountId: account.id } };
  }

  mechanisms(_context: SmtpAuthContext): string[] {
    return ['PLAIN', 'LOGIN'];
  }

  createSession(mechanism: string, _context: SmtpAuthContext): SmtpSaslSession | null {
    switch (mechanism) {
      case 'PLAIN': {
        // RFC 4616 2: [authzid] NUL authcid NUL passwd; acting for another identity is not allowed.
        const plain = (message: Buffer): Promise<SmtpSaslStep> => {
          const parts = message.toString('utf8').split('\0');
          if (parts.length !== 3)
            return Promise.resolve({ failure: { reason: 'malformed', text: 'PLAIN needs authzid NUL authcid NUL password' } });
          const [authzid, authcid, password] = parts;
          if (authzid && authzid !== authcid) return Promise.resolve(INVALID);
          return this.check(authcid, password);
        };
        return {
          start: (initial) =>
            initial === undefined || initial.length === 0 ? Promise.resolve({ challenge: Buffer.alloc(0) }) : plain(initial),
          step: plain,
          abort: () => ABORTED,
        };
      }
      case 'LOGIN': {
        // draft-murchison-sasl-login: "Username:" then "Password:"; an initial response is the user name.
        let username: string | undefined;
        return {
          start: (initial) => {
            if (initial && initial.length > 0) username = initial.toString('utf8');
            return Promise.resolve({ challenge: Buffer.from(username === undefined ? 'Username:' : 'Password:') });
          },
          step: (response) => {
            if (username === undefined) {
              username = response.toString('utf8');
              return Promise.resolve({ challenge: Buffer.from('Password:') });
            }
            return this.check(username, response.toString('utf8'));
          },
          abort: () => ABORTED,
        };
      }
      default:
        return null;
    }
  }
}
