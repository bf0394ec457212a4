import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from '@postern/accounts';
import { ConfigModule } from '@postern/config';
import { DbModule } from '@postern/db';
import { DomainsModule } from '@postern/domains';
import { BootContext, ObservabilityModule } from '@postern/observability';

/** The CLI uses the same services as the API: no logic of its own. */
@Module({})
export class CliModule {
  static forRoot(context: BootContext): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(context.config), ObservabilityModule.forRoot(context), DbModule, AccountsModule, DomainsModule],
    };
  }
}
