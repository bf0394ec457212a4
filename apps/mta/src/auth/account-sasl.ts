import { Inject, Injectable } from '@nestjs/common';
import { AccountsService, tlsKeyFingerprint } from '@postern/accounts';
import { APP_CONFIG, type AppConfig } from '@postern/config';
import type { Account } from '@postern/db';
import { AddressesService } from '@postern/domains';
import { DomainError } from '@postern/errors';
import { checkPassword, createSaslServer, type SaslAccount, type SaslIdentity, type SaslSession } from '@postern/sasl';

/** What a listener knows of the connection that a SASL mechanism needs. */
export interface SaslConnection {
  channelBinding?: { type: 'tls-exporter' | 'tls-unique'; data: Buffer };
  /** The DER bytes of the client's TLS certificate, for EXTERNAL. */
  peerCertificateRaw?: Buffer;
}

/**
 * Account logins for both protocols that take a password (SMTP submission's AUTH, IMAP's
 * LOGIN and AUTHENTICATE): the login name is the account's name or one of its addresses;
 * libs/sasl runs the mechanisms against the stored secrets; EXTERNAL (RFC 4422 appendix A)
 * maps the client certificate's public key to the account it is registered to.
 */
@Injectable()
export class AccountSasl {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The enabled account a login name stands for, or null. */
  private async resolveLogin(username: string): Promise<Account | null> {
    const account = username.includes('@') ? await this.byAddress(username) : await this.byName(username);
    return account && !account.disabled ? account : null;
  }

  /**
   * LOGIN-style check of a password against the slow hash. Through libs/sasl, so an unknown
   * name costs the same scrypt as a wrong password and timing does not tell which.
   */
  async checkPassword(username: string, password: string): Promise<SaslIdentity | null> {
    return checkPassword({ lookup: (name) => this.lookup(name) }, username, password);
  }

  session(mechanism: string, connection: SaslConnection): SaslSession {
    if (mechanism.toUpperCase() === 'EXTERNAL') {
      // The identity needs a database lookup, so the session is made at the client's first message.
      let session: Promise<SaslSession> | undefined;
      const get = () =>
        (session ??= this.externalIdentity(connection.peerCertificateRaw).then((externalIdentity) =>
          createSaslServer('EXTERNAL', { lookup: () => Promise.resolve(null), externalIdentity }),
        ));
      return {
        mechanism: 'EXTERNAL',
        start: async (initial) => (await get()).start(initial),
        step: async (response) => (await get()).step(response),
        abort: () => ({ failure: { reason: 'aborted', text: 'Authentication cancelled' } }),
      };
    }
    return createSaslServer(mechanism, {
      lookup: (username) => this.lookup(username),
      channelBinding: connection.channelBinding,
      hostname: this.config.hostname,
    });
  }

  /** What libs/sasl checks a login against; null for an unknown or disabled account. */
  private async lookup(username: string): Promise<SaslAccount | null> {
    const account = await this.resolveLogin(username);
    if (!account) return null;
    const credential = await this.accounts.credentials(account.id);
    if (!credential) return null;
    return {
      accountId: account.id,
      secrets: {
        hash: credential.passwordHash,
        scramSha1: credential.scramSha1,
        scramSha256: credential.scramSha256,
        cramMd5: credential.cramMd5,
      },
    };
  }

  private async externalIdentity(raw: Buffer | undefined): Promise<SaslIdentity | undefined> {
    if (!raw) return undefined;
    const account = await this.accounts.findByTlsKey(tlsKeyFingerprint(raw));
    return account && !account.disabled ? { username: account.name, accountId: account.id } : undefined;
  }

  private async byAddress(address: string): Promise<Account | null> {
    const found = await this.addresses.find(address);
    return found ? this.byName(found.accountId) : null;
  }

  private byName(nameOrId: string): Promise<Account | null> {
    return this.accounts.get(nameOrId).catch((err: unknown) => {
      if (err instanceof DomainError) return null;
      throw err;
    });
  }
}
