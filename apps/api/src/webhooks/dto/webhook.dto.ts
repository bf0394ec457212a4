import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { MailEventType, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from '@postern/db';
import { PageQueryDto } from '../../common/pagination.dto';
import { EVENT_TYPES } from '../../events/dto/event.dto';

const EXAMPLE_ID = '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c';
const DELIVERY_STATUSES: WebhookDeliveryStatus[] = ['pending', 'succeeded', 'failed', 'superseded', 'canceled'];

export class CreateWebhookEndpointDto {
  @ApiProperty({
    description: 'Receiver URL (http or https); loopback and private addresses are refused unless the operator allows them',
    example: 'https://app.example.com/hooks/postern',
  })
  @IsString()
  @Length(8, 2048)
  url!: string;

  @ApiPropertyOptional({
    description: 'Event types to deliver; all when absent',
    enum: EVENT_TYPES,
    isArray: true,
    example: ['message.delivered', 'message.failed'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(EVENT_TYPES, { each: true })
  events?: MailEventType[];

  @ApiPropertyOptional({ description: 'A note for people', example: 'production order service' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ description: 'Receiver URL', example: 'https://app.example.com/hooks/postern' })
  @IsOptional()
  @IsString()
  @Length(8, 2048)
  url?: string;

  @ApiPropertyOptional({
    description: 'Event types to deliver; an empty list means all',
    enum: EVENT_TYPES,
    isArray: true,
    example: ['message.failed'],
  })
  @IsOptional()
  @IsArray()
  @IsIn(EVENT_TYPES, { each: true })
  events?: MailEventType[];

  @ApiPropertyOptional({ description: 'Enable or disable (re-enabling clears an automatic disable)', example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'A note for people', example: 'production order service' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

export class WebhookEndpointDto {
  @ApiProperty({ description: 'Endpoint id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Receiver URL', example: 'https://app.example.com/hooks/postern' })
  url!: string;

  @ApiProperty({ description: 'Event types delivered; null: all', enum: EVENT_TYPES, isArray: true, nullable: true, example: null })
  events!: MailEventType[] | null;

  @ApiProperty({ description: 'Note', type: String, nullable: true, example: 'production order service' })
  description!: string | null;

  @ApiProperty({ description: 'Whether deliveries are made', example: true })
  enabled!: boolean;

  @ApiProperty({ description: 'Why it was disabled automatically (410 Gone), if it was', type: String, nullable: true, example: null })
  disabledReason!: string | null;

  @ApiProperty({ description: 'How many secrets sign right now (more than one during a rotation)', example: 1 })
  activeSecrets!: number;

  @ApiProperty({ description: 'When it was created', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(e: WebhookEndpoint): WebhookEndpointDto {
    const now = new Date();
    return {
      id: e.id,
      url: e.url,
      events: e.events,
      description: e.description,
      enabled: e.enabled,
      disabledReason: e.disabledReason,
      activeSecrets: e.secrets.filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now).length,
      createdAt: e.createdAt,
    };
  }
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({ description: 'The signing secret (`whsec_` + base64), shown only now', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret!: string;
}

export class WebhookTestResultDto {
  @ApiProperty({ description: "The receiver's HTTP status; null when it did not answer", type: Number, nullable: true, example: 200 })
  status!: number | null;

  @ApiProperty({ description: 'What went wrong before a response, if anything', type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ description: 'Round trip in milliseconds', example: 42 })
  durationMs!: number;
}

export class WebhookDeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only deliveries to this endpoint', example: EXAMPLE_ID })
  @IsOptional()
  @IsUUID()
  endpoint?: string;

  @ApiPropertyOptional({ description: 'Only deliveries in this status', enum: DELIVERY_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ description: 'Only this event type', enum: EVENT_TYPES, example: 'message.delivered' })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  eventType?: MailEventType;

  @ApiPropertyOptional({ description: 'Only deliveries of events of this message (id)', example: EXAMPLE_ID })
  @IsOptional()
  @IsUUID()
  message?: string;

  @ApiPropertyOptional({ description: 'Created at or after this time (ISO 8601)', example: '2026-11-22T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  since?: string;

  @ApiPropertyOptional({ description: 'Created before this time (ISO 8601)', example: '2026-11-23T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  until?: string;
}

export class WebhookDeliveryActionDto {
  @ApiPropertyOptional({
    description: 'Delivery ids (combined with the filters when both are given)',
    type: [String],
    example: [EXAMPLE_ID],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ description: 'Only deliveries to this endpoint', example: EXAMPLE_ID })
  @IsOptional()
  @IsUUID()
  endpoint?: string;

  @ApiPropertyOptional({ description: 'Only deliveries in this status (replay: e.g. failed)', enum: DELIVERY_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ description: 'Only this event type', enum: EVENT_TYPES, example: 'message.failed' })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  eventType?: MailEventType;
}

export class WebhookActionResultDto {
  @ApiProperty({ description: 'How many deliveries changed', example: 3 })
  affected!: number;
}

export class WebhookAttemptDto {
  @ApiProperty({ description: 'Attempt number, from 1', example: 1 })
  number!: number;

  @ApiProperty({ description: 'When it started', example: '2026-11-22T10:00:01.000Z' })
  at!: Date;

  @ApiProperty({ description: 'Duration in milliseconds', example: 35 })
  durationMs!: number;

  @ApiProperty({ description: 'HTTP status; null without a response', type: Number, nullable: true, example: 500 })
  status!: number | null;

  @ApiProperty({ description: 'Error before a response', type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ description: 'First 1 KB of the response body', type: String, nullable: true, example: 'internal error' })
  response!: string | null;

  static from(a: WebhookAttempt): WebhookAttemptDto {
    return { number: a.number, at: a.startedAt, durationMs: a.durationMs, status: a.status, error: a.error, response: a.response };
  }
}

export class WebhookDeliveryDto {
  @ApiProperty({ description: 'Delivery id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Endpoint id', example: EXAMPLE_ID })
  endpointId!: string;

  @ApiProperty({ description: 'Event id (the webhook-id header)', example: EXAMPLE_ID })
  eventId!: string;

  @ApiProperty({ description: 'Event type', enum: EVENT_TYPES, example: 'message.delivered' })
  eventType!: MailEventType;

  @ApiProperty({
    description: 'pending, succeeded, failed, superseded (a newer event for the recipient replaced it) or canceled',
    enum: DELIVERY_STATUSES,
    example: 'succeeded',
  })
  status!: WebhookDeliveryStatus;

  @ApiProperty({ description: 'Attempts made', example: 1 })
  attempts!: number;

  @ApiProperty({ description: 'Next attempt (pending only)', type: Date, nullable: true, example: null })
  nextAttemptAt!: Date | null;

  @ApiProperty({ description: 'Last HTTP status', type: Number, nullable: true, example: 200 })
  lastStatus!: number | null;

  @ApiProperty({ description: 'Every attempt (only when reading one delivery)', type: [WebhookAttemptDto], required: false })
  attemptLog?: WebhookAttemptDto[];

  @ApiProperty({ description: 'When it was created', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(d: WebhookDelivery, attempts?: WebhookAttempt[]): WebhookDeliveryDto {
    return {
      id: d.id,
      endpointId: d.endpointId,
      eventId: d.eventId,
      eventType: d.eventType,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
      lastStatus: d.lastStatus,
      attemptLog: attempts?.map((a) => WebhookAttemptDto.from(a)),
      createdAt: d.createdAt,
    };
  }
}
