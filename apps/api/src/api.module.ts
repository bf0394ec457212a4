import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountsModule } from '@postern/accounts';
import { ConfigModule } from '@postern/config';
import { DbModule } from '@postern/db';
import { DomainsModule } from '@postern/domains';
import { BootContext, ObservabilityModule } from '@postern/observability';
import { EventsModule } from '@postern/events';
import { MailstoreModule } from '@postern/mailstore';
import { OutboundModule } from '@postern/outbound';
import { QueueModule } from '@postern/queue';
import { AccountsController } from './accounts/accounts.controller';
import { OwnAccountController } from './accounts/own-account.controller';
import { AddressesController } from './addresses/addresses.controller';
import { AliasesController } from './aliases/aliases.controller';
import { AdminApiKeysController } from './api-keys/api-keys.controller';
import { OwnApiKeysController } from './api-keys/own-api-keys.controller';
import { ApiKeyGuard } from './common/auth';
import { ProblemFilter } from './common/problem.filter';
import { DomainsController } from './domains/domains.controller';
import { HealthController } from './health/health.controller';
import { LocalModeService } from './local-mode/local-mode.service';
import { MailboxRulesController } from './mailboxes/mailbox-rules.controller';
import { MailboxesController } from './mailboxes/mailboxes.controller';
import { MessagesController } from './messages/messages.controller';
import { ReceivedController } from './received/received.controller';
import { ReceivedService } from './received/received.service';
import { SendComposer } from './messages/send-composer';
import { QueueController } from './queue/queue.controller';
import { EventsController } from './events/events.controller';
import { SuppressionsController } from './suppressions/suppressions.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { TransportsController } from './queue/transports.controller';

@Module({})
export class ApiModule {
  static forRoot(context: BootContext): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(context.config),
        ObservabilityModule.forRoot(context),
        DbModule,
        QueueModule,
        AccountsModule,
        DomainsModule,
        OutboundModule,
        EventsModule,
        MailstoreModule,
      ],
      controllers: [
        HealthController,
        DomainsController,
        AccountsController,
        AddressesController,
        AliasesController,
        AdminApiKeysController,
        OwnAccountController,
        OwnApiKeysController,
        MessagesController,
        QueueController,
        TransportsController,
        SuppressionsController,
        EventsController,
        WebhooksController,
        MailboxesController,
        MailboxRulesController,
        ReceivedController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        LocalModeService,
        SendComposer,
        ReceivedService,
      ],
    };
  }
}
