import { Inject, Injectable } from '@nestjs/common';
import { saslMechanisms } from '@postern/sasl';
import type { SmtpAuthContext, SmtpAuthenticator, SmtpSaslSession } from '@postern/smtp';
import { AccountSasl } from '../auth/account-sasl';

/**
 * Submission's AUTH (RFC 4954) over AccountSasl: SCRAM-SHA-256/1 (and -PLUS with the
 * connection's channel binding), CRAM-MD5, PLAIN and LOGIN against the account's stored
 * secrets, and EXTERNAL when the client's TLS certificate carries a public key registered to
 * an account (`AccountsService.addTlsKey`).
 */
@Injectable()
export class SubmissionAuthenticator implements SmtpAuthenticator {
  constructor(@Inject(AccountSasl) private readonly sasl: AccountSasl) {}

  mechanisms(context: SmtpAuthContext): string[] {
    return saslMechanisms({
      tls: context.session.tls !== undefined,
      channelBinding: context.channelBinding !== undefined,
      // Offered to any client with a certificate; whether its key is registered is known at AUTH.
      external: context.peerCertificate !== undefined,
    });
  }

  createSession(mechanism: string, context: SmtpAuthContext): SmtpSaslSession | null {
    return this.sasl.session(mechanism, { channelBinding: context.channelBinding, peerCertificateRaw: context.peerCertificate?.raw });
  }
}
