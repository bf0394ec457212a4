import { Module } from '@nestjs/common';
import { DeliveryScheduler } from './delivery-scheduler';
import { MessagesService } from './messages.service';
import { OutboundService } from './outbound.service';
import { QueueAdminService } from './queue-admin.service';
import { TransportsService } from './transports.service';

/** Queueing and querying outbound mail; needs DbModule, QueueModule and ConfigModule. */
@Module({
  providers: [DeliveryScheduler, OutboundService, MessagesService, QueueAdminService, TransportsService],
  exports: [DeliveryScheduler, OutboundService, MessagesService, QueueAdminService, TransportsService],
})
export class OutboundModule {}
