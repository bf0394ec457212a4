import { Module } from '@nestjs/common';
import { AccountsModule } from '@postern/accounts';
import { DomainsModule } from '@postern/domains';
import { OutboundModule } from '@postern/outbound';
import { MX_HOOKS, REFUSE_ALL_RECIPIENTS } from './mx-hooks';
import { SmtpListenersService } from './smtp-listeners.service';
import { SubmissionAuthenticator } from './submission-auth';
import { SubmissionService } from './submission.service';

/**
 * SMTP: the MX and submission listeners over libs/smtp. MX_HOOKS is the MX's seam: the
 * inbound service replaces the default (every recipient unknown) by providing it.
 */
@Module({
  imports: [AccountsModule, DomainsModule, OutboundModule],
  providers: [{ provide: MX_HOOKS, useValue: REFUSE_ALL_RECIPIENTS }, SubmissionAuthenticator, SubmissionService, SmtpListenersService],
  exports: [SmtpListenersService],
})
export class SmtpModule {}
