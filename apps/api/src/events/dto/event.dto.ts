import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { MailEvent, MailEventType } from '@postern/db';
import { PageQueryDto } from '../../common/pagination.dto';

export const EVENT_TYPES: MailEventType[] = [
  'message.delivered',
  'message.delayed',
  'message.failed',
  'message.suppressed',
  'message.canceled',
  'message.bounced',
  'message.relayed',
  'message.expanded',
  'message.bounce_unrecognized',
  'message.complained',
  'message.received',
];

export class EventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this event type', enum: EVENT_TYPES, example: 'message.failed' })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: MailEventType;

  @ApiPropertyOptional({ description: 'Only events of this message (id)', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  @IsOptional()
  @IsUUID()
  message?: string;

  @ApiPropertyOptional({ description: 'Only events for this recipient address', example: 'bob@example.net' })
  @IsOptional()
  @IsEmail({ allow_utf8_local_part: true, require_tld: false })
  recipient?: string;

  @ApiPropertyOptional({ description: 'Only events of messages with this tag', example: 'invoice' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  tag?: string;

  @ApiPropertyOptional({ description: 'At or after this time (ISO 8601)', example: '2026-11-22T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  since?: string;

  @ApiPropertyOptional({ description: 'Before this time (ISO 8601)', example: '2026-11-23T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  until?: string;
}

export class EventDto {
  @ApiProperty({ description: 'Event id (also the webhook id)', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'Event type', enum: EVENT_TYPES, example: 'message.delivered' })
  type!: MailEventType;

  @ApiProperty({ description: 'When it happened', example: '2026-11-22T10:00:01.000Z' })
  timestamp!: Date;

  @ApiProperty({
    description:
      'What the webhook carries: messageId, recipientId, recipient, from, subject, messageIdHeader, extra, tags, attempt, smtpCode, enhancedCode, text, remoteHost, suppressed, nextAttemptAt (delayed)',
    example: { messageId: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c', recipient: 'bob@example.net', attempt: 1, smtpCode: 250 },
  })
  data!: Record<string, unknown>;

  static from(e: MailEvent): EventDto {
    return { id: e.id, type: e.type, timestamp: e.createdAt, data: e.data };
  }
}
