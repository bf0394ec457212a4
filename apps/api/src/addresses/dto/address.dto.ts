import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { Address } from '@postern/db';
import { addressString } from '@postern/domains';
import { PageQueryDto } from '../../common/pagination.dto';

export class CreateAddressDto {
  @ApiProperty({
    description: '`local@domain`, or `@domain` for the catch-all; the domain must be configured',
    example: 'alice@example.org',
  })
  @IsString()
  @Length(3, 320)
  address!: string;

  @ApiProperty({ description: 'Account id or name that receives the mail', example: 'alice' })
  @IsString()
  @Length(1, 64)
  account!: string;
}

export class AddressQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only addresses of this account (id or name)', example: 'alice' })
  @IsOptional()
  @IsString()
  account?: string;
}

export class AddressDto {
  @ApiProperty({ description: 'Address id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'The address (`@domain` for a catch-all)', example: 'alice@example.org' })
  address!: string;

  @ApiProperty({ description: 'Account that receives its mail', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  accountId!: string;

  @ApiProperty({ description: 'Whether this is the domain catch-all', example: false })
  catchAll!: boolean;

  @ApiProperty({ description: 'When it was added', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(a: Address): AddressDto {
    return { id: a.id, address: addressString(a), accountId: a.accountId, catchAll: a.localpart === '', createdAt: a.createdAt };
  }
}
