import { Inject, Injectable } from '@nestjs/common';
import { AccountsService, tlsKeyFingerprint } from '@postern/accounts';
import { APP_CONFIG, type AppConfig } from '@postern/config';
import type { Account } from '@postern/db';
import { AddressesService } from '@postern/domains';
import { DomainError } from '@postern/errors';
import { createSaslServer, saslMechanisms, type SaslAccount, type SaslIdentity, type SaslSession } from '@postern/sasl';
import type { SmtpAuthContext, SmtpAuthenticator, SmtpSaslSession } from '@postern/smtp';

/**
 * Submission's AUTH over libs/sasl: SCRAM-SHA-256/1 (and -PLUS with the connection's channel
 * binding), CRAM-MD5, PLAIN and LOGIN against the account's stored secrets, and EXTERNAL when
 * the client's TLS certificate carries a public key registered to an account
 * (`AccountsService.addTlsKey`). The login name is one of the account's addresses or its name.
 */
@Injectable()
export class SubmissionAuthenticator implements SmtpAuthenticator {
  constructor(
    @Inject(AccountsService) private readonly accounts: AccountsService,
    @Inject(AddressesService) private readonly addresses: AddressesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /** What libs/sasl checks a login against; null for an unknown or disabled account. */
  async lookup(username: string): Promise<SaslAccount | null> {
    const account = await this.resolveLogin(username);
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

  /** The account whose registered key the client certificate carries, for EXTERNAL. */
  private async externalIdentity(context: SmtpAuthContext): Promise<SaslIdentity | undefined> {
    const raw = context.peerCertificate?.raw;
    if (!raw) return undefined;
    const account = await this.accounts.findByTlsKey(tlsKeyFingerprint(raw));
    return account ? { username: account.name, accountId: account.id } : undefined;
  }

  mechanisms(context: SmtpAuthContext): string[] {
    return saslMechanisms({
      tls: context.session.tls !== undefined,
      channelBinding: context.channelBinding !== undefined,
      // Offered to any client with a certificate; whether its key is registered is known at AUTH.
      external: context.peerCertificate !== undefined,
    });
  }

  createSession(mechanism: string, context: SmtpAuthContext): SmtpSaslSession | null {
    if (mechanism === 'EXTERNAL') {
      // The identity needs a database lookup, so the session is made at the client's first message.
      let session: Promise<SaslSession> | undefined;
      const get = () =>
        (session ??= this.externalIdentity(context).then((externalIdentity) =>
          createSaslServer('EXTERNAL', { lookup: () => Promise.resolve(null), externalIdentity }),
        ));
      return {
        start: async (initial) => (await get()).start(initial),
        step: async (response) => (await get()).step(response),
        abort: () => ({ failure: { reason: 'aborted', text: 'Authentication cancelled' } }),
      };
    }
    return createSaslServer(mechanism, {
      lookup: (username) => this.lookup(username),
      channelBinding: context.channelBinding,
      hostname: this.config.hostname,
    });
  }
}
