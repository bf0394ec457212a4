import { Module } from '@nestjs/common';
import { BounceMatcherService } from './bounce-matcher.service';
import { EventsService } from './events.service';
import { SuppressionsService } from './suppressions.service';
import { WebhookEndpointsService } from './webhooks/webhook-endpoints.service';
import { WebhookFanoutService } from './webhooks/webhook-fanout.service';
import { WebhookScheduler } from './webhooks/webhook-scheduler';
import { WebhookSenderService } from './webhooks/webhook-sender.service';
import { WebhookDeliveriesService } from './webhooks/webhook-deliveries.service';

const SERVICES = [
  BounceMatcherService,
  EventsService,
  SuppressionsService,
  WebhookEndpointsService,
  WebhookFanoutService,
  WebhookScheduler,
  WebhookSenderService,
  WebhookDeliveriesService,
];

/** Event log, suppression lists and webhooks; needs DbModule, QueueModule and ConfigModule. */
@Module({ providers: SERVICES, exports: SERVICES })
export class EventsModule {}
