import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import type { Alias } from '@postern/db';
import { addressString, formatAddress } from '@postern/domains';

export class CreateAliasDto {
  @ApiProperty({ description: 'The alias address; its domain must be configured', example: 'team@example.org' })
  @IsString()
  @Length(3, 320)
  address!: string;

  @ApiProperty({
    description: 'Member addresses; each must be a configured address',
    example: ['alice@example.org', 'bob@example.org'],
    type: [String],
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  members!: string[];

  @ApiPropertyOptional({ description: 'Anyone may send to the alias; when false only members may', example: true, default: false })
  @IsOptional()
  @IsBoolean()
  postPublic?: boolean;

  @ApiPropertyOptional({ description: 'Members may see the member list', example: false, default: false })
  @IsOptional()
  @IsBoolean()
  membersVisible?: boolean;

  @ApiPropertyOptional({ description: 'Members may send with the alias as From', example: false, default: false })
  @IsOptional()
  @IsBoolean()
  allowAsFrom?: boolean;
}

export class UpdateAliasDto extends PartialType(OmitType(CreateAliasDto, ['address'] as const)) {}

export class AliasDto {
  @ApiProperty({ description: 'Alias id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'The alias address', example: 'team@example.org' })
  address!: string;

  @ApiProperty({ description: 'Member addresses', example: ['alice@example.org', 'bob@example.org'], type: [String] })
  members!: string[];

  @ApiProperty({ description: 'Anyone may send to the alias', example: true })
  postPublic!: boolean;

  @ApiProperty({ description: 'Members may see the member list', example: false })
  membersVisible!: boolean;

  @ApiProperty({ description: 'Members may send with the alias as From', example: false })
  allowAsFrom!: boolean;

  @ApiProperty({ description: 'When it was created', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(a: Alias): AliasDto {
    return {
      id: a.id,
      address: formatAddress(a.localpart, a.domain?.name ?? '?'),
      members: (a.members ?? []).flatMap((m) => (m.address ? [addressString(m.address)] : [])).sort(),
      postPublic: a.postPublic,
      membersVisible: a.membersVisible,
      allowAsFrom: a.allowAsFrom,
      createdAt: a.createdAt,
    };
  }
}
