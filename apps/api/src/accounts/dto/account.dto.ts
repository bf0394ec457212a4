import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { Account } from '@postern/db';

class AccountSettingsDto {
  @ApiPropertyOptional({ description: 'Mailbox storage limit in bytes; 0 is unlimited', example: 1073741824, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  quotaBytes?: number;

  @ApiPropertyOptional({ description: 'Messages the account may send per day', example: 1000, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  messagesPerDay?: number;

  @ApiPropertyOptional({ description: 'Recipients never written to before that the account may send to per day', example: 200, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  firstTimeRecipientsPerDay?: number;

  @ApiPropertyOptional({ description: 'Days events and webhook deliveries are kept', example: 30, minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  eventRetentionDays?: number;

  @ApiPropertyOptional({ description: 'Days delivered and failed message history is kept', example: 30, minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  historyRetentionDays?: number;

  @ApiPropertyOptional({
    description:
      'Seconds to wait before each retry after a temporary failure (then the recipient fails); null: the global POSTERN_RETRY_SCHEDULE',
    example: [450, 900, 1800, 3600, 7200, 14400, 28800, 57600],
    type: [Number],
    nullable: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(50)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7 * 86400, { each: true })
  retrySchedule?: number[] | null;

  @ApiPropertyOptional({
    description: 'Whether failed API sends also produce a bounce message (DSN) to the sender; webhooks fire either way',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  dsnForApiSends?: boolean;

  @ApiPropertyOptional({ description: 'A disabled account can neither log in nor send', example: false })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class CreateAccountDto extends AccountSettingsDto {
  @ApiProperty({ description: 'Account name: 1-64 of a-z, 0-9, `.`, `_`, `-`', example: 'alice' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiPropertyOptional({
    description: 'Password for IMAP and SMTP submission; only derived secrets are stored',
    example: 'correct horse battery staple',
  })
  @IsOptional()
  @IsString()
  @Length(8, 1024)
  password?: string;
}

export class UpdateAccountDto extends PartialType(OmitType(CreateAccountDto, ['name', 'password'] as const)) {}

export class SetPasswordDto {
  @ApiProperty({ description: 'The new password (8-1024 characters, PRECIS OpaqueString)', example: 'correct horse battery staple' })
  @IsString()
  @Length(8, 1024)
  password!: string;
}

export class AccountDto {
  @ApiProperty({ description: 'Account id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'Account name', example: 'alice' })
  name!: string;

  @ApiProperty({ description: 'Mailbox storage limit in bytes; 0 is unlimited', example: 1073741824 })
  quotaBytes!: number;

  @ApiProperty({ description: 'Messages the account may send per day', example: 1000 })
  messagesPerDay!: number;

  @ApiProperty({ description: 'First-time recipients the account may send to per day', example: 200 })
  firstTimeRecipientsPerDay!: number;

  @ApiProperty({ description: 'Days events and webhook deliveries are kept', example: 30 })
  eventRetentionDays!: number;

  @ApiProperty({ description: 'Days delivered and failed message history is kept', example: 30 })
  historyRetentionDays!: number;

  @ApiProperty({ description: 'Seconds before each retry; null: the global schedule', type: [Number], nullable: true, example: null })
  retrySchedule!: number[] | null;

  @ApiProperty({ description: 'Whether failed API sends also produce a DSN to the sender', example: false })
  dsnForApiSends!: boolean;

  @ApiProperty({ description: 'Whether the account is disabled', example: false })
  disabled!: boolean;

  @ApiProperty({ description: 'When the account was created', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ description: 'When the account was last changed', example: '2026-11-22T10:00:00.000Z' })
  updatedAt!: Date;

  static from(a: Account): AccountDto {
    return {
      id: a.id,
      name: a.name,
      quotaBytes: a.quotaBytes,
      messagesPerDay: a.messagesPerDay,
      firstTimeRecipientsPerDay: a.firstTimeRecipientsPerDay,
      eventRetentionDays: a.eventRetentionDays,
      historyRetentionDays: a.historyRetentionDays,
      retrySchedule: a.retrySchedule,
      dsnForApiSends: a.dsnForApiSends,
      disabled: a.disabled,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }
}
