import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import type { DkimKey, Domain } from '@postern/db';
import type { DnsRecord, DnsRecordSet } from '@postern/domains';

export class CreateDomainDto {
  @ApiProperty({ description: 'Domain name; Unicode names are stored IDNA-encoded', example: 'example.org' })
  @IsString()
  @Length(1, 253)
  name!: string;

  @ApiPropertyOptional({
    description: 'Separator for sub-addressing (`user+tag@`); null disables it. Default `+`.',
    example: '+',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[^\s@a-zA-Z0-9]{1,8}$/, { message: 'catchallSeparator must be 1-8 characters that are not letters, digits, spaces or @' })
  catchallSeparator?: string | null;
}

export class DkimKeyDto {
  @ApiProperty({ description: 'DKIM selector (`<selector>._domainkey.<domain>`)', example: '20261122e' })
  selector!: string;

  @ApiProperty({ description: 'Signing algorithm', enum: ['ed25519-sha256', 'rsa-sha256'], example: 'ed25519-sha256' })
  algorithm!: string;

  @ApiProperty({ description: 'Public key as published in the DNS `p=` tag', example: '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=' })
  publicKey!: string;

  @ApiProperty({ description: 'Whether outgoing mail is signed with this key', example: true })
  active!: boolean;

  @ApiProperty({ description: 'When the key was generated', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(key: DkimKey): DkimKeyDto {
    return { selector: key.selector, algorithm: key.algorithm, publicKey: key.publicKey, active: key.active, createdAt: key.createdAt };
  }
}

export class DomainDto {
  @ApiProperty({ description: 'Domain id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'Lower-case ASCII name (IDNA A-labels)', example: 'example.org' })
  name!: string;

  @ApiProperty({ description: 'The name in Unicode', example: 'example.org' })
  unicodeName!: string;

  @ApiProperty({ description: 'Sub-address separator, or null when disabled', example: '+', nullable: true, type: String })
  catchallSeparator!: string | null;

  @ApiProperty({ description: 'A disabled domain neither sends nor receives', example: false })
  disabled!: boolean;

  @ApiProperty({ description: 'DKIM keys (private keys are never returned)', type: [DkimKeyDto] })
  dkimKeys!: DkimKeyDto[];

  @ApiProperty({ description: 'When the domain was added', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(domain: Domain): DomainDto {
    return {
      id: domain.id,
      name: domain.name,
      unicodeName: domain.unicodeName,
      catchallSeparator: domain.catchallSeparator,
      disabled: domain.disabled,
      dkimKeys: (domain.dkimKeys ?? []).sort((a, b) => a.selector.localeCompare(b.selector)).map((k) => DkimKeyDto.from(k)),
      createdAt: domain.createdAt,
    };
  }
}

export class DnsRecordDto implements DnsRecord {
  @ApiProperty({
    description: 'What the record is for',
    enum: ['mx', 'spf', 'dkim', 'dmarc', 'mta-sts', 'tlsrpt', 'autodiscovery'],
    example: 'dkim',
  })
  purpose!: string;

  @ApiProperty({ description: 'Owner name, fully qualified', example: '20261122e._domainkey.example.org.' })
  name!: string;

  @ApiProperty({ description: 'Record type', enum: ['MX', 'TXT', 'CNAME', 'SRV'], example: 'TXT' })
  type!: 'MX' | 'TXT' | 'CNAME' | 'SRV';

  @ApiProperty({ description: 'Time to live in seconds', example: 3600 })
  ttl!: number;

  @ApiProperty({
    description: 'Record data as written in a zone file',
    example: '"v=DKIM1; k=ed25519; h=sha256; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="',
  })
  value!: string;
}

export class DnsRecordsDto {
  @ApiProperty({ description: 'The domain', example: 'example.org' })
  domain!: string;

  @ApiProperty({ description: 'The records to publish', type: [DnsRecordDto] })
  records!: DnsRecordDto[];

  @ApiProperty({ description: 'The same records as zone-file lines', example: 'example.org. 3600 IN MX 10 mail.example.org.\n' })
  zone!: string;

  @ApiProperty({
    description: 'MTA-STS policy to serve at https://mta-sts.<domain>/.well-known/mta-sts.txt',
    example: 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmax_age: 86400\r\n',
  })
  mtaStsPolicy!: string;

  static from(set: DnsRecordSet & { domain: Domain }): DnsRecordsDto {
    return { domain: set.domain.name, records: set.records, zone: set.zone, mtaStsPolicy: set.mtaStsPolicy };
  }
}
