import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import type { Route, Transport, TransportKind } from '@postern/db';

const KINDS: TransportKind[] = ['direct', 'relay', 'submission', 'socks', 'fail'];
const EXAMPLE_ID = '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c';

export class CreateTransportDto {
  @ApiProperty({ description: 'Unique name, used by routes and queue actions', example: 'smarthost' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'name must be 1-64 of a-z, 0-9, ".", "_", "-"' })
  name!: string;

  @ApiProperty({
    description:
      'direct (MX), relay (port 25 smarthost), submission (587/465 with AUTH), socks (direct through a SOCKS5 proxy), fail (fixed reply)',
    enum: KINDS,
    example: 'submission',
  })
  @IsIn(KINDS)
  kind!: TransportKind;

  @ApiPropertyOptional({ description: 'Relay or submission server, or the SOCKS5 proxy', example: 'smtp.provider.example' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  host?: string;

  @ApiPropertyOptional({ description: 'Port (default 25 relay, 587 submission, 1080 socks)', example: 587 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({
    description: 'starttls (required), implicit (port 465) or none',
    enum: ['starttls', 'implicit', 'none'],
    example: 'starttls',
  })
  @IsOptional()
  @IsIn(['starttls', 'implicit', 'none'])
  tls?: 'starttls' | 'implicit' | 'none';

  @ApiPropertyOptional({ description: 'Verify the server certificate (default true)', example: true })
  @IsOptional()
  @IsBoolean()
  verifyTls?: boolean;

  @ApiPropertyOptional({
    description: 'AUTH user name; the strongest mechanism both sides know is used (SCRAM-SHA-256, CRAM-MD5, PLAIN)',
    example: 'postern@provider.example',
  })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  username?: string;

  @ApiPropertyOptional({ description: 'AUTH password (stored as given: the remote server needs it)', example: 's3cret' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @ApiPropertyOptional({ description: 'fail transports: the reply code every recipient gets (4xx temporary, 5xx permanent)', example: 554 })
  @IsOptional()
  @IsInt()
  @Min(400)
  @Max(599)
  failCode?: number;

  @ApiPropertyOptional({ description: 'fail transports: the reply text', example: 'sending to this domain is blocked' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  failText?: string;
}

export class TransportDto {
  @ApiProperty({ description: 'Transport id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Name', example: 'smarthost' })
  name!: string;

  @ApiProperty({ description: 'Kind', enum: KINDS, example: 'submission' })
  kind!: TransportKind;

  @ApiProperty({ description: 'Server or proxy host', type: String, nullable: true, example: 'smtp.provider.example' })
  host!: string | null;

  @ApiProperty({ description: 'Port', type: Number, nullable: true, example: 587 })
  port!: number | null;

  @ApiProperty({ description: 'TLS mode', type: String, nullable: true, example: 'starttls' })
  tls!: string | null;

  @ApiProperty({ description: 'Whether the certificate is verified', example: true })
  verifyTls!: boolean;

  @ApiProperty({
    description: 'AUTH user name (the password is never shown)',
    type: String,
    nullable: true,
    example: 'postern@provider.example',
  })
  username!: string | null;

  @ApiProperty({ description: 'fail transports: reply code', type: Number, nullable: true, example: null })
  failCode!: number | null;

  @ApiProperty({ description: 'fail transports: reply text', type: String, nullable: true, example: null })
  failText!: string | null;

  static from(t: Transport): TransportDto {
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      host: t.host,
      port: t.port,
      tls: t.tls,
      verifyTls: t.verifyTls,
      username: t.username,
      failCode: t.failCode,
      failText: t.failText,
    };
  }
}

export class CreateRouteDto {
  @ApiPropertyOptional({ description: 'Account-level route: only this account (id)', example: EXAMPLE_ID })
  @IsOptional()
  @IsUUID()
  account?: string;

  @ApiPropertyOptional({ description: 'Domain-level route: only mail from this domain', example: 'shop.example' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  fromDomain?: string;

  @ApiPropertyOptional({ description: 'Only recipients at this domain', example: 'gmail.com' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  toDomain?: string;

  @ApiPropertyOptional({
    description: 'Applies from this attempt number on (default 1), e.g. a relay after direct attempts failed',
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  minAttempt?: number;

  @ApiPropertyOptional({ description: 'Order within its level (account, domain, global); lower first', example: 0 })
  @IsOptional()
  @IsInt()
  position?: number;

  @ApiProperty({ description: 'Transport name or id', example: 'smarthost' })
  @IsString()
  @Length(1, 64)
  transport!: string;
}

export class RouteDto {
  @ApiProperty({ description: 'Route id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Account (account-level route)', type: String, nullable: true, example: null })
  accountId!: string | null;

  @ApiProperty({ description: 'Sender domain (domain-level route)', type: String, nullable: true, example: 'shop.example' })
  fromDomain!: string | null;

  @ApiProperty({ description: 'Recipient domain', type: String, nullable: true, example: 'gmail.com' })
  toDomain!: string | null;

  @ApiProperty({ description: 'First attempt number it applies to', example: 1 })
  minAttempt!: number;

  @ApiProperty({ description: 'Order within its level', example: 0 })
  position!: number;

  @ApiProperty({ description: 'Transport name', example: 'smarthost' })
  transport!: string;

  static from(r: Route): RouteDto {
    return {
      id: r.id,
      accountId: r.accountId,
      fromDomain: r.fromDomain,
      toDomain: r.toDomain,
      minAttempt: r.minAttempt,
      position: r.position,
      transport: r.transport?.name ?? r.transportId,
    };
  }
}
