import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsDateString,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

/** No control characters (CR/LF injection) in header text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u0008\u000a-\u001f\u007f]*$/;

export class MailAddressDto {
  @ApiProperty({ description: 'Email address', example: 'alice@example.org' })
  @IsString()
  @Length(3, 320)
  @Matches(NO_CONTROL, { message: 'address must not contain control characters' })
  address!: string;

  @ApiPropertyOptional({ description: 'Display name', example: 'Alice Liddell' })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  @Matches(NO_CONTROL, { message: 'name must not contain control characters' })
  name?: string;
}

export class AttachmentDto {
  @ApiProperty({ description: 'File name shown to the recipient', example: 'invoice.pdf' })
  @IsString()
  @Length(1, 255)
  @Matches(NO_CONTROL, { message: 'filename must not contain control characters' })
  filename!: string;

  @ApiPropertyOptional({ description: 'MIME type; guessed from the file name when absent', example: 'application/pdf' })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'contentType must be a MIME type like application/pdf' })
  contentType?: string;

  @ApiProperty({ description: 'The file, base64-encoded', example: 'JVBERi0xLjQK' })
  @IsBase64()
  content!: string;

  @ApiPropertyOptional({ description: 'Content-ID for inline parts referenced as `cid:` from the HTML', example: 'logo@example.org' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\s<>]+$/, { message: 'contentId must not contain spaces or angle brackets' })
  contentId?: string;

  @ApiPropertyOptional({ description: 'attachment (default) or inline', enum: ['attachment', 'inline'], example: 'attachment' })
  @IsOptional()
  @IsIn(['attachment', 'inline'])
  disposition?: 'attachment' | 'inline';
}

export class SendMessageDto {
  @ApiProperty({ description: 'Sender; the account must own an address on its domain', type: MailAddressDto })
  @ValidateNested()
  @Type(() => MailAddressDto)
  from!: MailAddressDto;

  @ApiPropertyOptional({ description: 'To recipients', type: [MailAddressDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MailAddressDto)
  to?: MailAddressDto[];

  @ApiPropertyOptional({ description: 'Cc recipients', type: [MailAddressDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MailAddressDto)
  cc?: MailAddressDto[];

  @ApiPropertyOptional({ description: 'Bcc recipients: receive the message, appear in no header', type: [MailAddressDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MailAddressDto)
  bcc?: MailAddressDto[];

  @ApiPropertyOptional({ description: 'Reply-To addresses', type: [MailAddressDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => MailAddressDto)
  replyTo?: MailAddressDto[];

  @ApiPropertyOptional({ description: 'Subject', example: 'Your invoice' })
  @IsOptional()
  @IsString()
  @Length(0, 998)
  @Matches(NO_CONTROL, { message: 'subject must not contain control characters' })
  subject?: string;

  @ApiPropertyOptional({ description: 'Plain-text body (text or html is required)', example: 'Hello Bob' })
  @IsOptional()
  @IsString()
  text?: string;

  @ApiPropertyOptional({ description: 'HTML body (text or html is required)', example: '<p>Hello Bob</p>' })
  @IsOptional()
  @IsString()
  html?: string;

  @ApiPropertyOptional({
    description: 'Extra headers as [name, value] pairs; control characters are rejected',
    example: [['X-Campaign', 'november']],
    type: 'array',
    items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  headers?: [string, string][];

  @ApiPropertyOptional({ description: 'Attachments', type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];

  @ApiPropertyOptional({
    description: 'Message-ID (with or without angle brackets); generated on the From domain when absent',
    example: '<invoice-42@example.org>',
  })
  @IsOptional()
  @IsString()
  @Matches(/^<?[^\s<>@]+@[^\s<>@]+>?$/, { message: 'messageId must look like <id@domain>' })
  messageId?: string;

  @ApiPropertyOptional({ description: 'Message-ID this message replies to', example: '<question-41@example.net>' })
  @IsOptional()
  @IsString()
  @Matches(/^<?[^\s<>@]+@[^\s<>@]+>?$/, { message: 'inReplyTo must look like <id@domain>' })
  inReplyTo?: string;

  @ApiPropertyOptional({ description: 'Message-IDs of the thread', example: ['<question-41@example.net>'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^<?[^\s<>@]+@[^\s<>@]+>?$/, { each: true, message: 'references must look like <id@domain>' })
  references?: string[];

  @ApiPropertyOptional({ description: 'Key/value strings carried to every webhook of this message', example: { orderId: '42' } })
  @IsOptional()
  @IsObject()
  extra?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Send no earlier than this time (ISO 8601, at most 60 days ahead)', example: '2026-11-23T08:00:00Z' })
  @IsOptional()
  @IsDateString()
  sendAt?: string;

  @ApiPropertyOptional({
    description:
      'true: deliver only over TLS verified by MTA-STS or DANE, to servers announcing REQUIRETLS (RFC 8689); false: add `TLS-Required: No` and deliver even when TLS policies fail; absent: default policy',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  requireTls?: boolean;

  @ApiPropertyOptional({ description: 'Short labels for filtering', example: ['invoice'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  tags?: string[];
}

export class RawMessageQueryDto {
  @ApiPropertyOptional({ description: 'Envelope sender (MAIL FROM); the From header address when absent', example: 'alice@example.org' })
  @IsOptional()
  @IsString()
  @Length(3, 320)
  from?: string;

  @ApiProperty({ description: 'Envelope recipients, comma-separated or repeated', example: 'bob@example.net' })
  @IsString({ each: true })
  to!: string | string[];

  @ApiPropertyOptional({ description: 'Comma-separated tags', example: 'invoice' })
  @IsOptional()
  @IsString()
  tags?: string;

  @ApiPropertyOptional({ description: 'Send no earlier than this time (ISO 8601, at most 60 days ahead)', example: '2026-11-23T08:00:00Z' })
  @IsOptional()
  @IsDateString()
  sendAt?: string;

  @ApiPropertyOptional({ description: 'As requireTls of the JSON send: true or false', example: 'true', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  requireTls?: 'true' | 'false';
}
