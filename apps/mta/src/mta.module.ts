import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@postern/config';
import { DbModule } from '@postern/db';
import { BootContext, ObservabilityModule } from '@postern/observability';
import { ImapModule } from './imap/imap.module';

/**
 * The protocol listeners (SMTP 25/587/465, IMAP 143/993) arrive with the MTA and IMAP
 * issues; each will be a thin Nest adapter here over a framework-free lib.
 */
@Module({})
export class MtaModule {
  static forRoot(context: BootContext): DynamicModule {
    return {
      module: MtaModule,
      imports: [ConfigModule.forRoot(context.config), ObservabilityModule.forRoot(context), DbModule, ImapModule],
    };
  }
}
