import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import type { ParsedReceivedMessage } from '@postern/mime';
import { ReceivedSummaryDto } from '../../mailboxes/dto/mailbox.dto';

// RFC 9051 9: flag = "\" atom (system flags) or a keyword atom.
// eslint-disable-next-line no-control-regex -- control characters are what the class excludes
const FLAG = /^\\?[^\s(){%*"\\\]\x00-\x1f\x7f]{1,100}$/;

export class ReceivedAddressDto {
  @ApiProperty({ description: 'Display name (empty when none)', example: 'Zoë' })
  name!: string;

  @ApiProperty({ description: 'Address', example: 'zoe@example.org' })
  address!: string;
}

export class ReceivedAttachmentDto {
  @ApiProperty({ description: 'MIME section number (RFC 9051 6.4.5), for `/parts/{path}`', example: '2' })
  path!: string;

  @ApiProperty({ description: 'File name', type: String, nullable: true, example: 'invoice.pdf' })
  filename!: string | null;

  @ApiProperty({ description: 'Content type', example: 'application/pdf' })
  contentType!: string;

  @ApiProperty({ description: 'Content-Disposition value', type: String, nullable: true, example: 'attachment' })
  disposition!: string | null;

  @ApiProperty({ description: 'Content-ID (inline images)', type: String, nullable: true, example: null })
  contentId!: string | null;

  @ApiProperty({ description: 'Size of the encoded part body in bytes', example: 18240 })
  encodedSize!: number;
}

/** The parsed message, as `/v1/received/{id}` shows it and the `message.received` webhook carries it. */
export class ParsedReceivedDto {
  @ApiProperty({ type: [ReceivedAddressDto], description: 'From' })
  from!: ReceivedAddressDto[];

  @ApiProperty({ type: [ReceivedAddressDto], description: 'To' })
  to!: ReceivedAddressDto[];

  @ApiProperty({ type: [ReceivedAddressDto], description: 'Cc' })
  cc!: ReceivedAddressDto[];

  @ApiProperty({ type: [ReceivedAddressDto], description: 'Reply-To' })
  replyTo!: ReceivedAddressDto[];

  @ApiProperty({ description: 'Subject, decoded', type: String, nullable: true, example: 'Grüße' })
  subject!: string | null;

  @ApiProperty({ description: 'Message-ID header', type: String, nullable: true, example: '<c0ffee@example.org>' })
  messageIdHeader!: string | null;

  @ApiProperty({ description: 'In-Reply-To header', type: String, nullable: true, example: null })
  inReplyTo!: string | null;

  @ApiProperty({ description: 'Date header', type: String, nullable: true, example: '2026-11-22T10:00:00.000Z' })
  date!: string | null;

  @ApiProperty({ description: 'Plain text body, at most 1 MB', type: String, nullable: true, example: 'Hallo' })
  text!: string | null;

  @ApiProperty({ description: 'Whether the text was cut at 1 MB', example: false })
  textTruncated!: boolean;

  @ApiProperty({ description: 'HTML body, at most 1 MB', type: String, nullable: true, example: '<p>Hallo</p>' })
  html!: string | null;

  @ApiProperty({ description: 'Whether the HTML was cut at 1 MB', example: false })
  htmlTruncated!: boolean;

  @ApiProperty({ type: [ReceivedAttachmentDto], description: 'Attachments (metadata; bytes at `/parts/{path}`)' })
  attachments!: ReceivedAttachmentDto[];

  @ApiProperty({ description: 'Looks automated: empty envelope sender, Auto-Submitted or List-* headers', example: false })
  automated!: boolean;
}

export class ReceivedMessageDto extends ReceivedSummaryDto {
  @ApiProperty({ description: 'Name of the mailbox it is in', example: 'INBOX' })
  mailbox!: string;

  @ApiProperty({
    description: 'The envelope sender (Return-Path); empty for bounces',
    type: String,
    nullable: true,
    example: 'zoe@example.org',
  })
  returnPath!: string | null;

  @ApiProperty({
    description: 'Our Authentication-Results (SPF, DKIM, DMARC, ARC)',
    type: String,
    nullable: true,
    example: 'mx.example.com; spf=pass smtp.mailfrom=zoe@example.org; dmarc=pass header.from=example.org',
  })
  authenticationResults!: string | null;

  @ApiProperty({
    description: 'Why it was accepted and filed where it is (X-Postern-Reason)',
    type: String,
    nullable: true,
    example: 'accepted; mailbox=INBOX (default); dmarc=pass spf=pass dkim=pass arc=none; sender=example.org seen=4',
  })
  reason!: string | null;

  @ApiProperty({ type: ParsedReceivedDto, description: 'The parsed message' })
  message!: ParsedReceivedMessage;
}

export class UpdateReceivedDto {
  @ApiPropertyOptional({ description: 'Replace all flags with these', type: [String], example: ['\\Seen'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(FLAG, { each: true, message: 'each flag must be a system flag or a keyword atom' })
  flags?: string[];

  @ApiPropertyOptional({ description: 'Flags to add', type: [String], example: ['\\Flagged'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(FLAG, { each: true, message: 'each flag must be a system flag or a keyword atom' })
  addFlags?: string[];

  @ApiPropertyOptional({ description: 'Flags to remove', type: [String], example: ['\\Seen'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(FLAG, { each: true, message: 'each flag must be a system flag or a keyword atom' })
  removeFlags?: string[];

  @ApiPropertyOptional({
    description: 'Move to this mailbox (the message gets a new id and UID there)',
    example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c',
  })
  @IsOptional()
  @IsUUID()
  mailboxId?: string;
}
