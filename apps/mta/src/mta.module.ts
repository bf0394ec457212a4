import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@postern/config';
import { DbModule } from '@postern/db';
import { BootContext, ObservabilityModule } from '@postern/observability';
import { QueueModule } from '@postern/queue';
import { ImapModule } from './imap/imap.module';
import { SmtpModule } from './smtp/smtp.module';

/**
 * The protocol listeners: SMTP (25 MX, 587/465 submission) and IMAP (143 STARTTLS, 993 TLS).
 * Each is a thin Nest adapter over a framework-free lib.
 */
@Module({})
export class MtaModule {
  static forRoot(context: BootContext): DynamicModule {
    return {
      module: MtaModule,
      imports: [
        ConfigModule.forRoot(context.config),
        ObservabilityModule.forRoot(context),
        DbModule,
        QueueModule,
        SmtpModule.forRoot(),
        ImapModule,
      ],
    };
  }
}
