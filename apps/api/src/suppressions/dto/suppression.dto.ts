import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { Suppression, SuppressionReason } from '@postern/db';
import { PageQueryDto } from '../../common/pagination.dto';

const REASONS: SuppressionReason[] = ['manual', 'hard_bounce', 'repeated_failure', 'complaint'];

export class CreateSuppressionDto {
  @ApiProperty({ description: 'An address (matched without case and +tag) or `*@domain`', example: 'bob@example.net' })
  @IsString()
  @Length(3, 320)
  address!: string;

  @ApiPropertyOptional({ description: 'Why (default manual)', enum: REASONS, example: 'manual' })
  @IsOptional()
  @IsIn(REASONS)
  reason?: SuppressionReason;

  @ApiPropertyOptional({ description: 'When the entry lapses (ISO 8601); never when absent', example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  expiresAt?: string;
}

export class SuppressionQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only entries made for this reason', enum: REASONS, example: 'hard_bounce' })
  @IsOptional()
  @IsIn(REASONS)
  reason?: SuppressionReason;
}

export class DeleteSuppressionQueryDto {
  @ApiPropertyOptional({ description: "Also release this address's held recipients now", enum: ['true', 'false'], example: 'true' })
  @IsOptional()
  @IsIn(['true', 'false'])
  releaseHeld?: 'true' | 'false';
}

export class SuppressionDto {
  @ApiProperty({ description: 'Entry id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'The address as it was written', example: 'Bob+news@example.net' })
  address!: string;

  @ApiProperty({ description: 'The matching key: lower case, without +tag (or `*@domain`)', example: 'bob@example.net' })
  addressKey!: string;

  @ApiProperty({ description: 'How the entry was made', enum: REASONS, example: 'hard_bounce' })
  reason!: SuppressionReason;

  @ApiProperty({
    description: 'The SMTP reply that caused it, for bounces',
    type: String,
    nullable: true,
    example: '550 5.1.1 No such user',
  })
  smtpReply!: string | null;

  @ApiProperty({ description: 'When it lapses; null: never', type: Date, nullable: true, example: null })
  expiresAt!: Date | null;

  @ApiProperty({ description: 'When it was made', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(s: Suppression): SuppressionDto {
    return {
      id: s.id,
      address: s.address,
      addressKey: s.addressKey,
      reason: s.reason,
      smtpReply: s.smtpReply,
      expiresAt: s.expiresAt,
      createdAt: s.createdAt,
    };
  }
}
