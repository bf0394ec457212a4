import { Module } from '@nestjs/common';
import { EventsService } from './events.service';
import { SuppressionsService } from './suppressions.service';

/** Event log and suppression lists (webhook endpoints and deliveries come next). */
@Module({ providers: [EventsService, SuppressionsService], exports: [EventsService, SuppressionsService] })
export class EventsModule {}
