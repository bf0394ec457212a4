import { Module } from '@nestjs/common';
import { OutboundModule } from '../outbound.module';
import { DeliveryService } from './delivery.service';
import { DsnService } from './dsn.service';
import { QueueReconciler } from './reconciler.service';
import { RetentionService } from '../retention.service';
import { TransportRouter } from './router';

/** The worker side of sending: delivery, DSNs and the reconciler. */
@Module({
  imports: [OutboundModule],
  providers: [DeliveryService, DsnService, QueueReconciler, TransportRouter, RetentionService],
  exports: [DeliveryService, QueueReconciler, RetentionService],
})
export class DeliveryModule {}
