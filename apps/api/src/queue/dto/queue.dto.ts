import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import type { HoldRule, OutboundMessage, QueuedRecipient, RecipientStatus } from '@postern/db';
import { PageQueryDto } from '../../common/pagination.dto';

const STATUSES: RecipientStatus[] = ['queued', 'held', 'delivered', 'failed', 'suppressed', 'canceled'];
const EXAMPLE_ID = '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c';

export class QueueFilterDto {
  @ApiPropertyOptional({ description: 'Only recipients of this account (id)', example: EXAMPLE_ID })
  @IsOptional()
  @IsUUID()
  account?: string;

  @ApiPropertyOptional({ description: 'Only messages from this sender domain', example: 'example.org' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  senderDomain?: string;

  @ApiPropertyOptional({ description: 'Only recipients at this domain', example: 'example.net' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  recipientDomain?: string;

  @ApiPropertyOptional({ description: 'Only recipients in this status', enum: STATUSES, example: 'queued' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: RecipientStatus;

  @ApiPropertyOptional({ description: 'Only recipients with at least this many attempts', example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minAttempts?: number;

  @ApiPropertyOptional({ description: 'Queued at or after this time (ISO 8601)', example: '2026-11-22T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  since?: string;

  @ApiPropertyOptional({ description: 'Queued before this time (ISO 8601)', example: '2026-11-23T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  until?: string;
}

/** Query parameters of the queue lists: the filter plus pagination. */
export class QueueQueryDto extends IntersectionType(PageQueryDto, QueueFilterDto) {}

export class QueueActionDto {
  @ApiPropertyOptional({
    description: 'Recipient ids to act on (combined with filter when both are given)',
    type: [String],
    example: [EXAMPLE_ID],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ description: 'Act on every recipient matching this filter', type: QueueFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => QueueFilterDto)
  filter?: QueueFilterDto;

  @ApiPropertyOptional({
    description: 'For the `transport` action: transport name or id; null sends them by the routes again',
    type: String,
    nullable: true,
    example: 'smarthost',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  transport?: string | null;
}

export class QueueActionResultDto {
  @ApiProperty({ description: 'How many recipients changed (recipients being delivered at this moment are skipped)', example: 12 })
  affected!: number;
}

export class QueuedRecipientDto {
  @ApiProperty({ description: 'Recipient id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Message id', example: EXAMPLE_ID })
  messageId!: string;

  @ApiProperty({ description: 'Account id', example: EXAMPLE_ID })
  accountId!: string;

  @ApiProperty({ description: 'From address of the message', example: 'alice@example.org' })
  from!: string;

  @ApiProperty({ description: 'Recipient address', example: 'bob@example.net' })
  address!: string;

  @ApiProperty({ description: 'Status', enum: STATUSES, example: 'queued' })
  status!: RecipientStatus;

  @ApiProperty({ description: 'Attempts made', example: 2 })
  attempts!: number;

  @ApiProperty({ description: 'When the next attempt is due', example: '2026-11-22T10:15:00.000Z' })
  nextAttemptAt!: Date;

  @ApiProperty({ description: 'Last reply or error', type: String, nullable: true, example: '451 4.3.0 Try again later' })
  lastError!: string | null;

  @ApiProperty({ description: 'When it was retired (delivered, failed, canceled, suppressed)', type: Date, nullable: true, example: null })
  retiredAt!: Date | null;

  @ApiProperty({ description: 'When it was queued', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(r: QueuedRecipient & { message: OutboundMessage }): QueuedRecipientDto {
    return {
      id: r.id,
      messageId: r.messageId,
      accountId: r.accountId,
      from: r.message.fromAddress,
      address: r.address,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      lastError: r.lastError,
      retiredAt: r.retiredAt,
      createdAt: r.createdAt,
    };
  }
}

export class CreateHoldRuleDto {
  @ApiPropertyOptional({ description: 'Only this account (id); any when absent', example: EXAMPLE_ID })
  @IsOptional()
  @IsUUID()
  account?: string;

  @ApiPropertyOptional({ description: 'Only messages from this domain', example: 'example.org' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  senderDomain?: string;

  @ApiPropertyOptional({ description: 'Only recipients at this domain', example: 'example.net' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  recipientDomain?: string;

  @ApiPropertyOptional({ description: 'Why the rule exists', example: 'warming up a new IP' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  comment?: string;
}

export class HoldRuleDto {
  @ApiProperty({ description: 'Rule id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Account it applies to; null: all', type: String, nullable: true, example: null })
  accountId!: string | null;

  @ApiProperty({ description: 'Sender domain it applies to; null: all', type: String, nullable: true, example: 'example.org' })
  senderDomain!: string | null;

  @ApiProperty({ description: 'Recipient domain it applies to; null: all', type: String, nullable: true, example: null })
  recipientDomain!: string | null;

  @ApiProperty({ description: 'Comment', type: String, nullable: true, example: 'warming up a new IP' })
  comment!: string | null;

  @ApiProperty({ description: 'When it was made', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(r: HoldRule): HoldRuleDto {
    return {
      id: r.id,
      accountId: r.accountId,
      senderDomain: r.senderDomain,
      recipientDomain: r.recipientDomain,
      comment: r.comment,
      createdAt: r.createdAt,
    };
  }
}
