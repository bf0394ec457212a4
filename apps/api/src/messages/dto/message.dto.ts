import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsEmail, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { DeliveryAttempt, RecipientStatus } from '@postern/db';
import type { MessageView, RecipientView, SendResult } from '@postern/outbound';
import { PageQueryDto } from '../../common/pagination.dto';

const STATUSES: RecipientStatus[] = ['queued', 'held', 'delivered', 'failed', 'suppressed', 'canceled'];
const EXAMPLE_ID = '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c';

export class AcceptedRecipientDto {
  @ApiProperty({ description: 'Recipient id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'The recipient address', example: 'bob@example.net' })
  address!: string;

  @ApiProperty({
    description: 'queued, held (a hold rule matched) or suppressed (on the suppression list)',
    enum: ['queued', 'held', 'suppressed'],
    example: 'queued',
  })
  status!: RecipientStatus;
}

export class SendResultDto {
  @ApiProperty({ description: 'Message id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'The Message-ID header', example: '<0f3c2a9e1b7d4c55@example.org>' })
  messageId!: string;

  @ApiProperty({ description: 'One entry per distinct recipient', type: [AcceptedRecipientDto] })
  recipients!: AcceptedRecipientDto[];

  static from(result: SendResult): SendResultDto {
    return result;
  }
}

export class DeliveryAttemptDto {
  @ApiProperty({ description: 'Attempt number, from 1', example: 1 })
  number!: number;

  @ApiProperty({ description: 'When the attempt started', example: '2026-11-22T10:00:00.000Z' })
  at!: Date;

  @ApiProperty({ description: 'How long it took, in milliseconds', example: 412 })
  durationMs!: number;

  @ApiProperty({
    description: 'delivered, temporary (will retry) or permanent',
    enum: ['delivered', 'temporary', 'permanent'],
    example: 'delivered',
  })
  outcome!: string;

  @ApiProperty({ description: 'The server tried (MX host name)', type: String, nullable: true, example: 'mx1.example.net' })
  remoteHost!: string | null;

  @ApiProperty({ description: 'Its IP address', type: String, nullable: true, example: '192.0.2.25' })
  remoteIp!: string | null;

  @ApiProperty({ description: 'SMTP reply code', type: Number, nullable: true, example: 250 })
  smtpCode!: number | null;

  @ApiProperty({ description: 'Enhanced status code (RFC 3463)', type: String, nullable: true, example: '2.0.0' })
  enhancedCode!: string | null;

  @ApiProperty({ description: 'Reply text, or what went wrong before a reply', example: 'Ok: queued as 4Xy2' })
  text!: string;

  @ApiProperty({ description: 'TLS version of the connection; null for plaintext', type: String, nullable: true, example: 'TLSv1.3' })
  tlsVersion!: string | null;

  static from(a: DeliveryAttempt): DeliveryAttemptDto {
    return {
      number: a.number,
      at: a.startedAt,
      durationMs: a.durationMs,
      outcome: a.outcome,
      remoteHost: a.remoteHost,
      remoteIp: a.remoteIp,
      smtpCode: a.smtpCode,
      enhancedCode: a.enhancedCode,
      text: a.text,
      tlsVersion: a.tlsVersion,
    };
  }
}

export class RecipientDto {
  @ApiProperty({ description: 'Recipient id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'The recipient address', example: 'bob@example.net' })
  address!: string;

  @ApiProperty({ description: 'Delivery status', enum: STATUSES, example: 'delivered' })
  status!: RecipientStatus;

  @ApiProperty({ description: 'Every delivery attempt, oldest first', type: [DeliveryAttemptDto] })
  attempts!: DeliveryAttemptDto[];

  @ApiProperty({
    description: 'When the next attempt is due; null once retired',
    type: Date,
    nullable: true,
    example: '2026-11-22T10:07:30.000Z',
  })
  nextAttemptAt!: Date | null;

  static from(view: RecipientView): RecipientDto {
    const r = view.recipient;
    return {
      id: r.id,
      address: r.address,
      status: r.status,
      attempts: view.attempts.map((a) => DeliveryAttemptDto.from(a)),
      nextAttemptAt: r.status === 'queued' ? r.nextAttemptAt : null,
    };
  }
}

export class MessageDto {
  @ApiProperty({ description: 'Message id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'The Message-ID header', example: '<0f3c2a9e1b7d4c55@example.org>' })
  messageId!: string;

  @ApiProperty({ description: 'The From address', example: 'alice@example.org' })
  from!: string;

  @ApiProperty({
    description: 'Envelope sender (MAIL FROM), unique per message so late bounces can be matched',
    example: 'alice+5f2b8c0d9e1a3f47@example.org',
  })
  mailFrom!: string;

  @ApiProperty({ description: 'Subject', type: String, nullable: true, example: 'Your invoice' })
  subject!: string | null;

  @ApiProperty({ description: 'Size of the signed message in bytes', example: 5120 })
  size!: number;

  @ApiProperty({ description: 'Tags given at send time', type: [String], example: ['invoice'] })
  tags!: string[];

  @ApiProperty({ description: 'Extra key/values given at send time', example: { orderId: '42' } })
  extra!: Record<string, string>;

  @ApiProperty({ description: 'requireTls given at send time', type: Boolean, nullable: true, example: null })
  requireTls!: boolean | null;

  @ApiProperty({ description: 'Earliest send time, if one was given', type: Date, nullable: true, example: null })
  sendAt!: Date | null;

  @ApiProperty({ description: 'When it was accepted', example: '2026-11-22T10:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ description: 'Recipients and their attempts', type: [RecipientDto] })
  recipients!: RecipientDto[];

  static from(view: MessageView): MessageDto {
    const m = view.message;
    return {
      id: m.id,
      messageId: m.messageIdHeader,
      from: m.fromAddress,
      mailFrom: m.mailFrom,
      subject: m.subject,
      size: m.size,
      tags: m.tags,
      extra: m.extra,
      requireTls: m.requireTls,
      sendAt: m.sendAt,
      createdAt: m.createdAt,
      recipients: view.recipients.map((r) => RecipientDto.from(r)),
    };
  }
}

export class MessageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Messages with a recipient in this status', enum: STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: RecipientStatus;

  @ApiPropertyOptional({ description: 'Messages to this recipient address', example: 'bob@example.net' })
  @IsOptional()
  @IsEmail({ allow_utf8_local_part: true, require_tld: false })
  recipient?: string;

  @ApiPropertyOptional({ description: 'Messages with this tag', example: 'invoice' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  tag?: string;

  @ApiPropertyOptional({ description: 'Accepted at or after this time (ISO 8601)', example: '2026-11-22T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  since?: string;

  @ApiPropertyOptional({ description: 'Accepted before this time (ISO 8601)', example: '2026-11-23T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  until?: string;
}
