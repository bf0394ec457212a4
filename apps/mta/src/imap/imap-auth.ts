import { Inject, Injectable } from '@nestjs/common';
import { AccountsService } from '@postern/accounts';
import { AddressesService } from '@postern/domains';
import { DomainError } from '@postern/errors';
import type { ConnectionInfo, ImapAuthenticator, ImapUser } from '@postern/imap';

/** IMAP logins against the account password; the login name is the account's name or one of its addresses. */
@Injectable()
export class ImapAccountAuthenticator implements ImapAuthenticator {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
  ) {}

  private async resolve(username: string) {
    if (username.includes('@')) {
      const address = await this.addresses.find(username);
      return address ? this.accounts.get(address.accountId).catch(() => null) : null;
    }
    return this.accounts.get(username).catch((err: unknown) => {
      if (err instanceof DomainError) return null;
      throw err;
    });
  }

  async login(username: string, password: string, _connection: ConnectionInfo): Promise<ImapUser | null> {
    const account = await this.resolve(username);
    if (!account || account.disabled) return null;
    if (!(await this.accounts.checkPassword(account.id, password))) return null;
    return { accountId: account.id, username };
  }

  mechanisms(_connection: ConnectionInfo): string[] {
    return [];
  }
}
