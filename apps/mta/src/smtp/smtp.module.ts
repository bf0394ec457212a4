import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { AccountsModule } from '@postern/accounts';
import { DomainsModule } from '@postern/domains';
import { OutboundModule } from '@postern/outbound';
import type { SmtpSessionHooks } from '@postern/smtp';
import { MX_HOOKS } from './mx-hooks';
import { SmtpListenersService } from './smtp-listeners.service';
import { AccountSasl } from '../auth/account-sasl';
import { SubmissionAuthenticator } from './submission-auth';
import { SubmissionService } from './submission.service';

/**
 * SMTP: the MX and submission listeners over libs/smtp. The MX's hooks (MX_HOOKS) come from
 * `mx`, e.g. `SmtpModule.forRoot({ mx: { imports: [InboundModule], hooks: InboundService } })`;
 * without them every recipient is unknown (550 5.1.1).
 */
@Module({})
export class SmtpModule {
  static forRoot(options: { mx?: { imports: NonNullable<ModuleMetadata['imports']>; hooks: Type<SmtpSessionHooks> } } = {}): DynamicModule {
    const mx = options.mx;
    return {
      module: SmtpModule,
      imports: [AccountsModule, DomainsModule, OutboundModule, ...(mx?.imports ?? [])],
      providers: [
        AccountSasl,
        SubmissionAuthenticator,
        SubmissionService,
        SmtpListenersService,
        ...(mx ? [{ provide: MX_HOOKS, useExisting: mx.hooks }] : []),
      ],
      exports: [SmtpListenersService],
    };
  }
}
