import { Module } from '@nestjs/common';
import { OutboundModule } from '../outbound.module';
import { DeliveryService } from './delivery.service';
import { DsnService } from './dsn.service';
import { QueueReconciler } from './reconciler.service';

/** The worker side of sending: delivery, DSNs and the reconciler. */
@Module({
  imports: [OutboundModule],
  providers: [DeliveryService, DsnService, QueueReconciler],
  exports: [DeliveryService, QueueReconciler],
})
export class DeliveryModule {}
