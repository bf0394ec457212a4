import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { ApiKey } from '@postern/db';
import { PageQueryDto } from '../../common/pagination.dto';

export class CreateOwnApiKeyDto {
  @ApiProperty({ description: 'A name to recognise the key by', example: 'billing service' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class CreateApiKeyDto extends CreateOwnApiKeyDto {
  @ApiProperty({ description: '`admin` (all of /v1/admin) or `account` (one account)', enum: ['admin', 'account'], example: 'account' })
  @IsIn(['admin', 'account'])
  scope!: 'admin' | 'account';

  @ApiPropertyOptional({ description: 'Account id or name; required for account keys', example: 'alice' })
  @IsOptional()
  @IsString()
  account?: string;
}

export class ApiKeyQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only keys of this account (id or name)', example: 'alice' })
  @IsOptional()
  @IsString()
  account?: string;
}

export class ApiKeyDto {
  @ApiProperty({ description: 'Key id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'Name', example: 'billing service' })
  name!: string;

  @ApiProperty({ description: 'The start of the key, for recognising it', example: 'pst_Xq3vN8kd2LwA' })
  prefix!: string;

  @ApiProperty({ description: 'Scope', enum: ['admin', 'account'], example: 'account' })
  scope!: string;

  @ApiProperty({
    description: 'The account of an account key',
    example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c',
    nullable: true,
    type: String,
  })
  accountId!: string | null;

  @ApiProperty({ description: 'When it was created', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ description: 'When it was last used (to the minute)', example: '2026-11-22T10:05:00.000Z', nullable: true, type: Date })
  lastUsedAt!: Date | null;

  @ApiProperty({ description: 'When it was revoked; revoked keys are refused', example: null, nullable: true, type: Date })
  revokedAt!: Date | null;

  static from(k: ApiKey): ApiKeyDto {
    return {
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scope: k.scope,
      accountId: k.accountId,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description: 'The key. It is shown only now: store it safely.',
    example: 'pst_Xq3vN8kd2LwA_9fK2mQ7rT1vX8zB4nC6dE0gH3jL5pS7u',
  })
  key!: string;
}
