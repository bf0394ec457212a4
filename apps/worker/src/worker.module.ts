import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigModule } from '@postern/config';
import { DbModule } from '@postern/db';
import { BootContext, ObservabilityModule } from '@postern/observability';
import { EventsModule } from '@postern/events';
import { DeliveryModule } from '@postern/outbound';
import { QueueModule } from '@postern/queue';
import { DeliverHandler } from './delivery/deliver.handler';
import { ReconcileHandler } from './delivery/reconcile.handler';
import { RetentionHandler } from './delivery/retention.handler';
import { WebhookDeliverHandler } from './webhooks/webhook-deliver.handler';
import { WebhookFanoutHandler } from './webhooks/webhook-fanout.handler';
import { HeartbeatHandler } from './heartbeat/heartbeat.handler';
import { JobRunnerService } from './jobs/job-runner.service';

@Module({})
export class WorkerModule {
  static forRoot(context: BootContext): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(context.config),
        ObservabilityModule.forRoot(context),
        DbModule,
        QueueModule,
        DiscoveryModule,
        DeliveryModule,
        EventsModule,
      ],
      providers: [
        JobRunnerService,
        HeartbeatHandler,
        DeliverHandler,
        ReconcileHandler,
        RetentionHandler,
        WebhookFanoutHandler,
        WebhookDeliverHandler,
      ],
    };
  }
}
