import { Module } from '@nestjs/common';
import { EventsModule } from '@postern/events';
import { MailstoreModule } from '@postern/mailstore';
import { InboundService } from './inbound.service';
import { MailboxRulesReader } from './mailbox-rules';
import { RecipientResolver } from './recipients';
import { SenderReputationService } from './reputation.service';

/** The MX listener's hooks (InboundService); needs DbModule, QueueModule, ConfigModule and ObservabilityModule. */
@Module({
  imports: [MailstoreModule, EventsModule],
  providers: [InboundService, RecipientResolver, SenderReputationService, MailboxRulesReader],
  exports: [InboundService],
})
export class InboundModule {}
