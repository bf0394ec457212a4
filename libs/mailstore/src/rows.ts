import type { MailboxInfo, SpecialUse, StoredMessage } from './types';

export const MAILBOX_COLUMNS =
  'id, account_id, name, special_use, subscribed, uid_validity, uid_next, highest_modseq, total, unseen, size, keywords';
export const MESSAGE_COLUMNS = 'id, mailbox_id, uid, modseq, flags, internal_date, size, subject, from_address, message_id_header, blob_id';

export interface MailboxRow {
  id: string;
  account_id: string;
  name: string;
  special_use: string | null;
  subscribed: boolean;
  uid_validity: number;
  uid_next: number;
  highest_modseq: string;
  total: number;
  unseen: number;
  size: string;
  keywords: string[];
}

export interface MessageRow {
  id: string;
  mailbox_id: string;
  uid: number;
  modseq: string;
  flags: string[];
  internal_date: Date;
  size: number;
  subject: string | null;
  from_address: string | null;
  message_id_header: string | null;
  blob_id: string;
}

export function toMailbox(row: MailboxRow): MailboxInfo {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    specialUse: row.special_use as SpecialUse | null,
    subscribed: row.subscribed,
    uidValidity: row.uid_validity,
    uidNext: row.uid_next,
    highestModseq: BigInt(row.highest_modseq),
    total: row.total,
    unseen: row.unseen,
    size: Number(row.size),
    keywords: row.keywords,
  };
}

export function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    mailboxId: row.mailbox_id,
    uid: row.uid,
    modseq: BigInt(row.modseq),
    flags: row.flags,
    internalDate: row.internal_date,
    size: row.size,
    subject: row.subject,
    from: row.from_address,
    messageIdHeader: row.message_id_header,
    blobId: row.blob_id,
  };
}
