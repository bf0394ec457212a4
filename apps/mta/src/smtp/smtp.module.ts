import { Module } from '@nestjs/common';
import { AccountsModule } from '@postern/accounts';
import { DomainsModule } from '@postern/domains';
import { OutboundModule } from '@postern/outbound';
import { SmtpListenersService } from './smtp-listeners.service';
import { SubmissionAuthenticator } from './submission-auth';
import { SubmissionService } from './submission.service';

/**
 * SMTP: the MX and submission listeners over libs/smtp. MX_HOOKS (mx-hooks.ts) is the MX's
 * seam: a @Global() module that provides and exports it (the inbound service) replaces the
 * default, under which every recipient is unknown.
 */
@Module({
  imports: [AccountsModule, DomainsModule, OutboundModule],
  providers: [SubmissionAuthenticator, SubmissionService, SmtpListenersService],
  exports: [SmtpListenersService],
})
export class SmtpModule {}
