import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches, ValidateIf } from 'class-validator';
import type { MailboxRule, MailboxRuleField } from '@postern/db';

const FIELDS: MailboxRuleField[] = ['sender', 'header'];

export class CreateMailboxRuleDto {
  @ApiProperty({ description: 'What to match: the sender (envelope sender or From header) or a header', enum: FIELDS, example: 'header' })
  @IsIn(FIELDS)
  field!: MailboxRuleField;

  @ApiPropertyOptional({ description: 'The header name, for field `header`', example: 'List-Id' })
  @ValidateIf((o: CreateMailboxRuleDto) => o.field === 'header' || o.header !== undefined)
  @IsString()
  // RFC 5322 2.2: printable US-ASCII except the colon.
  @Matches(/^[\x21-\x39\x3b-\x7e]{1,76}$/, { message: 'header must be a header field name' })
  header?: string;

  @ApiProperty({ description: 'Case-insensitive text the sender or the header value contains', example: 'lists.example.org' })
  @IsString()
  @Length(1, 500)
  contains!: string;

  @ApiProperty({ description: 'The mailbox to file matching mail into (by name); a missing mailbox means the Inbox', example: 'Lists' })
  @IsString()
  @Length(1, 500)
  mailbox!: string;
}

export class MailboxRuleDto {
  @ApiProperty({ description: 'Rule id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
  id!: string;

  @ApiProperty({ description: 'What is matched', enum: FIELDS, example: 'header' })
  field!: MailboxRuleField;

  @ApiProperty({ description: 'The header name, for field `header`', type: String, nullable: true, example: 'List-Id' })
  header!: string | null;

  @ApiProperty({ description: 'Case-insensitive text to find', example: 'lists.example.org' })
  contains!: string;

  @ApiProperty({ description: 'Target mailbox name', example: 'Lists' })
  mailbox!: string;

  @ApiProperty({ description: 'When it was made; older rules are tried first', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  static from(r: MailboxRule): MailboxRuleDto {
    return { id: r.id, field: r.field, header: r.header, contains: r.contains, mailbox: r.mailboxName, createdAt: r.createdAt };
  }
}
