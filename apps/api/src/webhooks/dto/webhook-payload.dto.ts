import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { MailEventType } from '@postern/db';
import { EVENT_TYPES } from '../../events/dto/event.dto';
import { ParsedReceivedDto } from '../../received/dto/received.dto';

const EXAMPLE_ID = '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c';

/** What `data` carries; fields that do not apply to an event type are absent. */
export class WebhookDataDto {
  @ApiProperty({ description: 'Message id', example: EXAMPLE_ID })
  messageId!: string;

  @ApiPropertyOptional({ description: 'Recipient id', example: EXAMPLE_ID })
  recipientId?: string;

  @ApiPropertyOptional({ description: 'Recipient address', example: 'bob@example.net' })
  recipient?: string;

  @ApiProperty({ description: 'From address of the message', example: 'alice@example.org' })
  from!: string;

  @ApiProperty({ description: 'Subject', type: String, nullable: true, example: 'Your invoice' })
  subject!: string | null;

  @ApiProperty({ description: 'The Message-ID header', example: '<0f3c2a9e1b7d4c55@example.org>' })
  messageIdHeader!: string;

  @ApiProperty({ description: 'The extra map given at send time', example: { orderId: '42' } })
  extra!: Record<string, string>;

  @ApiProperty({ description: 'Tags given at send time', type: [String], example: ['invoice'] })
  tags!: string[];

  @ApiPropertyOptional({ description: 'Delivery attempt number (delivery events)', example: 1 })
  attempt?: number;

  @ApiPropertyOptional({ description: 'SMTP reply code', type: Number, nullable: true, example: 250 })
  smtpCode?: number | null;

  @ApiPropertyOptional({ description: 'Enhanced status code (RFC 3463)', type: String, nullable: true, example: '2.0.0' })
  enhancedCode?: string | null;

  @ApiPropertyOptional({ description: 'Reply text or error', example: 'Ok: queued as 4Xy2' })
  text?: string;

  @ApiPropertyOptional({ description: 'The remote host', type: String, nullable: true, example: 'mx1.example.net' })
  remoteHost?: string | null;

  @ApiPropertyOptional({ description: 'Whether the address is now on the suppression list', example: false })
  suppressed?: boolean;

  @ApiPropertyOptional({ description: 'message.delayed: when the next attempt is due', example: '2026-11-22T10:07:30.000Z' })
  nextAttemptAt?: string;

  @ApiPropertyOptional({ description: 'Events from bounces by mail: "mail"', example: 'mail' })
  source?: string;

  @ApiPropertyOptional({
    description: 'message.received: the mailbox it was stored in (messageId is `/v1/received/{id}`)',
    example: EXAMPLE_ID,
  })
  mailboxId?: string;

  @ApiPropertyOptional({ description: 'message.received: the mailbox name', example: 'INBOX' })
  mailbox?: string;

  @ApiPropertyOptional({
    description: 'message.received: SMTP envelope',
    example: { mailFrom: 'zoe@example.org', recipients: ['you@example.com'] },
  })
  envelope?: { mailFrom: string; recipients: string[] };

  @ApiPropertyOptional({ description: 'message.received: the parsed message', type: ParsedReceivedDto })
  received?: ParsedReceivedDto;

  @ApiPropertyOptional({
    description: 'message.received: SPF, DKIM (one per signature), DMARC and ARC results',
    example: {
      spf: { result: 'pass', domain: 'example.org' },
      dkim: [{ result: 'pass', domain: 'example.org', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject', domain: 'example.org' },
      arc: { result: 'none' },
    },
  })
  authentication?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'message.received: empty envelope sender, Auto-Submitted or List-* headers', example: false })
  automated?: boolean;

  @ApiPropertyOptional({ description: 'message.received: filed as junk (DMARC quarantine, or a rule to the Junk mailbox)', example: false })
  junk?: boolean;

  @ApiPropertyOptional({
    description: 'message.received: why it was accepted and filed there (X-Postern-Reason)',
    example: 'accepted; mailbox=INBOX (default); dmarc=pass spf=pass dkim=pass arc=none; sender=example.org seen=4',
  })
  reason?: string;
}

/** The body of every webhook POST (version 1), signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
export class WebhookPayloadDto {
  @ApiProperty({ description: 'Payload version', example: 1 })
  version!: number;

  @ApiProperty({ description: 'Event type', enum: EVENT_TYPES, example: 'message.delivered' })
  type!: MailEventType;

  @ApiProperty({ description: 'When the event happened', example: '2026-11-22T10:00:01.000Z' })
  timestamp!: string;

  @ApiProperty({ description: 'The event', type: WebhookDataDto })
  data!: WebhookDataDto;
}
