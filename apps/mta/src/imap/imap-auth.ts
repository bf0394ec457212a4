import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionInfo, ImapAuthenticator, ImapUser } from '@postern/imap';
import { type SaslSession, saslMechanisms } from '@postern/sasl';
import { AccountSasl } from '../auth/account-sasl';

/**
 * IMAP logins against the account (AccountSasl): LOGIN checks the slow hash; AUTHENTICATE
 * runs libs/sasl's mechanisms (SCRAM with channel binding over TLS, CRAM-MD5, PLAIN and
 * LOGIN once on TLS, EXTERNAL with a registered client certificate).
 */
@Injectable()
export class ImapAccountAuthenticator implements ImapAuthenticator {
  constructor(@Inject(AccountSasl) private readonly sasl_: AccountSasl) {}

  async login(username: string, password: string, _connection: ConnectionInfo): Promise<ImapUser | null> {
    const account = await this.sasl_.checkPassword(username, password);
    return account ? { accountId: account.accountId, username } : null;
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
    return this.sasl_.session(mechanism, {
      channelBinding: connection.channelBinding,
      peerCertificateRaw: connection.peerCertificate?.raw,
    });
  }
}
