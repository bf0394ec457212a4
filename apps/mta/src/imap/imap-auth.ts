import { Inject, Injectable } from '@nestjs/common';
import { AccountsService, tlsKeyFingerprint } from '@postern/accounts';
import { APP_CONFIG, type AppConfig } from '@postern/config';
import { AddressesService } from '@postern/domains';
import { DomainError } from '@postern/errors';
import type { ConnectionInfo, ImapAuthenticator, ImapUser } from '@postern/imap';
import { type SaslAccount, type SaslIdentity, type SaslSession, createSaslServer, saslMechanisms } from '@postern/sasl';

/**
 * IMAP logins against the account password; the login name is the account's name or one of
 * its addresses. LOGIN checks the slow hash; AUTHENTICATE runs libs/sasl's mechanisms (SCRAM
 * with channel binding over TLS, CRAM-MD5, PLAIN and LOGIN once on TLS).
 */
@Injectable()
export class ImapAccountAuthenticator implements ImapAuthenticator {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  mechanisms(connection: ConnectionInfo): string[] {
    return saslMechanisms({
      tls: connection.secure,
      channelBinding: connection.channelBinding !== undefined,
      // Offered to any client with a certificate; whether its key is registered is known at AUTHENTICATE.
      external: connection.peerCertificate !== undefined,
    });
  }

  sasl(mechanism: string, connection: ConnectionInfo): SaslSession {
    if (mechanism === 'EXTERNAL') {
      // RFC 4422 appendix A: the identity is the account the certificate's key is registered to
      // (`cli account tls-key`); looked up at the client's first message.
      let session: Promise<SaslSession> | undefined;
      const get = () =>
        (session ??= this.externalIdentity(connection).then((externalIdentity) =>
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

  private async externalIdentity(connection: ConnectionInfo): Promise<SaslIdentity | undefined> {
    const raw = connection.peerCertificate?.raw;
    if (!raw) return undefined;
    const account = await this.accounts.findByTlsKey(tlsKeyFingerprint(raw));
    return account && !account.disabled ? { username: account.name, accountId: account.id } : undefined;
  }

  private async lookup(username: string): Promise<SaslAccount | null> {
    const account = await this.resolve(username);
    if (!account || account.disabled) return null;
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
}
