/**
 * The mailbox store: mailboxes and the messages in them, shared by SMTP delivery (apps/mta),
 * the IMAP server (libs/imap over apps/mta) and the received-mail API (apps/api). One module
 * owns these tables; everything else goes through `MailStore`.
 *
 * IMAP's data model (RFC 9051 2.3, RFC 7162 CONDSTORE/QRESYNC): per mailbox UIDVALIDITY,
 * UIDNEXT and HIGHESTMODSEQ; per message UID, MODSEQ, flags (system flags with their
 * backslash and keywords in one list), internal date and size. Expunged messages leave a
 * tombstone (uid, modseq) so QRESYNC can report VANISHED. Every change to a mailbox takes the
 * mailbox row lock, bumps HIGHESTMODSEQ once and gives that modseq to every message it
 * touched, keeps the counters exact, and is published (Redis pub/sub) after commit.
 */

export const SPECIAL_USES = ['\\Sent', '\\Drafts', '\\Trash', '\\Archive', '\\Junk'] as const;
export type SpecialUse = (typeof SPECIAL_USES)[number];

/** The mailboxes every account has: `INBOX` plus one per special use (RFC 6154). */
export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; specialUse: SpecialUse | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Junk', specialUse: '\\Junk' },
];

/** Hierarchy separator of mailbox names (names are UTF-8; IMAP converts to modified UTF-7). */
export const HIERARCHY_SEPARATOR = '/';

export interface MailboxInfo {
  id: string;
  accountId: string;
  /** Full name, UTF-8, `/`-separated; the inbox is always `INBOX`. */
  name: string;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint;
  /** Messages in the mailbox. */
  total: number;
  /** Messages without \Seen. */
  unseen: number;
  /** Sum of the messages' sizes in bytes (STATUS=SIZE). */
  size: number;
  /** Keywords used in this mailbox, for FLAGS / PERMANENTFLAGS. */
  keywords: string[];
}

export interface StoredMessage {
  /** Stable id across the API (`/v1/received/{id}`). */
  id: string;
  mailboxId: string;
  uid: number;
  modseq: bigint;
  /** System flags (`\Seen`, `\Answered`, `\Flagged`, `\Deleted`, `\Draft`) and keywords. */
  flags: string[];
  internalDate: Date;
  size: number;
  /** From the headers at store time, for listings. */
  subject: string | null;
  from: string | null;
  messageIdHeader: string | null;
  blobId: string;
}

export interface AppendMessage {
  raw: Buffer;
  flags?: string[];
  internalDate?: Date;
}

/** What changed in a mailbox after a modseq (RFC 7162 3.1.4 CHANGEDSINCE, 3.2.5.2 VANISHED). */
export interface MailboxChanges {
  highestModseq: bigint;
  /** Messages added or whose flags changed after the modseq, by uid. */
  changed: StoredMessage[];
  /** UIDs expunged after the modseq, ascending. */
  expunged: number[];
}

/** Published after every committed change to a mailbox. */
export interface MailboxChangeNotice {
  accountId: string;
  mailboxId: string;
  modseq: string;
  kind: 'exists' | 'expunge' | 'flags' | 'mailboxes';
}

export type FlagOperation = 'add' | 'remove' | 'replace';
