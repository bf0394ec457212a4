import { ApiProperty } from '@nestjs/swagger';
import { SPECIAL_USES } from '@postern/mailstore';
import type { MailboxInfo, SpecialUse, StoredMessage } from '@postern/mailstore';

const EXAMPLE_ID = '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c';

export class MailboxDto {
  @ApiProperty({ description: 'Mailbox id', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'Full name, `/`-separated; the inbox is `INBOX`', example: 'INBOX' })
  name!: string;

  @ApiProperty({ description: 'Special use (RFC 6154)', enum: SPECIAL_USES, nullable: true, example: null })
  specialUse!: SpecialUse | null;

  @ApiProperty({ description: 'Subscribed (IMAP LSUB)', example: true })
  subscribed!: boolean;

  @ApiProperty({ description: 'Messages in the mailbox', example: 12 })
  total!: number;

  @ApiProperty({ description: 'Messages without \\Seen', example: 3 })
  unseen!: number;

  @ApiProperty({ description: 'Sum of the message sizes in bytes', example: 48213 })
  size!: number;

  static from(m: MailboxInfo): MailboxDto {
    return { id: m.id, name: m.name, specialUse: m.specialUse, subscribed: m.subscribed, total: m.total, unseen: m.unseen, size: m.size };
  }
}

export class MailboxListDto {
  @ApiProperty({ description: "The account's mailboxes, by name", type: [MailboxDto] })
  items!: MailboxDto[];

  @ApiProperty({ description: 'Always null: every mailbox is on the one page', type: String, nullable: true, example: null })
  next!: string | null;
}

/** A message in a mailbox, as listed. */
export class ReceivedSummaryDto {
  @ApiProperty({ description: 'Received message id (for `/v1/received/{id}`)', example: EXAMPLE_ID })
  id!: string;

  @ApiProperty({ description: 'The mailbox it is in', example: EXAMPLE_ID })
  mailboxId!: string;

  @ApiProperty({ description: 'IMAP UID in that mailbox', example: 7 })
  uid!: number;

  @ApiProperty({ description: 'Flags: system flags (`\\Seen`, `\\Flagged`, ...) and keywords', type: [String], example: ['\\Seen'] })
  flags!: string[];

  @ApiProperty({ description: 'When it was received', example: '2026-11-22T10:00:00.000Z' })
  receivedAt!: Date;

  @ApiProperty({ description: 'Size in bytes, as stored (with our trace headers)', example: 4211 })
  size!: number;

  @ApiProperty({ description: 'Subject', type: String, nullable: true, example: 'Lunch?' })
  subject!: string | null;

  @ApiProperty({ description: 'From header address', type: String, nullable: true, example: 'zoe@example.org' })
  from!: string | null;

  @ApiProperty({ description: 'Message-ID header', type: String, nullable: true, example: '<c0ffee@example.org>' })
  messageIdHeader!: string | null;

  static from(m: StoredMessage): ReceivedSummaryDto {
    return {
      id: m.id,
      mailboxId: m.mailboxId,
      uid: m.uid,
      flags: m.flags,
      receivedAt: m.internalDate,
      size: m.size,
      subject: m.subject,
      from: m.from,
      messageIdHeader: m.messageIdHeader,
    };
  }
}
