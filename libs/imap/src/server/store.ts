import type { PeerCertificate } from 'node:tls';
import type { SaslChannelBinding, SaslSession } from '@postern/sasl';

/**
 * What the IMAP server needs from the mailbox store, the notifier and the account check.
 * `MailStore` and `MailboxNotifier` (libs/mailstore) satisfy these structurally; apps/mta
 * passes them in, so this lib imports no database code and tests can drive it directly.
 */

/** RFC 6154 special uses a mailbox can be created with. */
export type ImapSpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Archive' | '\\Junk';

export interface ImapMailbox {
  id: string;
  name: string;
  specialUse: string | null;
  subscribed: boolean;
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint;
  total: number;
  unseen: number;
  size: number;
  keywords: string[];
}

export interface ImapMessage {
  uid: number;
  modseq: bigint;
  flags: string[];
  internalDate: Date;
  size: number;
  /** The store's handle on the message bytes (for readRaw). */
  blobId: string;
}

export interface ImapChanges<M extends ImapMessage> {
  highestModseq: bigint;
  changed: M[];
  expunged: number[];
}

export interface ImapStore<M extends ImapMessage = ImapMessage> {
  ensureDefaultMailboxes(accountId: string): Promise<unknown>;
  listMailboxes(accountId: string): Promise<ImapMailbox[]>;
  getMailbox(accountId: string, name: string): Promise<ImapMailbox | null>;
  createMailbox(accountId: string, name: string, specialUse?: ImapSpecialUse | null): Promise<ImapMailbox>;
  renameMailbox(accountId: string, from: string, to: string): Promise<void>;
  deleteMailbox(accountId: string, name: string): Promise<void>;
  setSubscribed(accountId: string, name: string, on: boolean): Promise<void>;
  append(
    accountId: string,
    mailboxId: string,
    messages: Array<{ raw: Buffer; flags?: string[]; internalDate?: Date }>,
  ): Promise<{ uidValidity: number; messages: M[] }>;
  listMessages(mailboxId: string): Promise<M[]>;
  getMessages(mailboxId: string, uids: number[]): Promise<M[]>;
  readRaw(message: M): Promise<Buffer>;
  /** Several messages' bytes in one round trip, by blobId. */
  readRawMany(messages: M[]): Promise<Map<string, Buffer>>;
  storeFlags(input: {
    accountId: string;
    mailboxId: string;
    uids: number[];
    operation: 'add' | 'remove' | 'replace';
    flags: string[];
    unchangedSince?: bigint;
  }): Promise<{ updated: M[]; modifiedSinceFailed: number[] }>;
  expunge(input: { accountId: string; mailboxId: string; uids?: number[] }): Promise<{ expunged: number[]; modseq: bigint }>;
  copy(input: {
    accountId: string;
    fromMailboxId: string;
    uids: number[];
    toMailboxId: string;
  }): Promise<{ uidValidity: number; pairs: Array<[number, number]> }>;
  move(input: {
    accountId: string;
    fromMailboxId: string;
    uids: number[];
    toMailboxId: string;
  }): Promise<{ uidValidity: number; pairs: Array<[number, number]>; expunged: number[] }>;
  changesSince(mailboxId: string, modseq: bigint): Promise<ImapChanges<M>>;
  searchText(mailboxId: string, needle: string, scope: 'text' | 'body'): Promise<number[]>;
  quota(accountId: string): Promise<{ usedBytes: number; limitBytes: number; messages: number }>;
}

export interface ImapChangeNotice {
  accountId: string;
  mailboxId: string;
  kind: string;
}

export interface ImapNotifier {
  subscribe(accountId: string, listener: (notice: ImapChangeNotice) => void): Promise<() => Promise<void>>;
}

export interface ImapUser {
  accountId: string;
  username: string;
}

export interface ConnectionInfo {
  id: string;
  remoteAddress: string;
  secure: boolean;
  /** TLS channel binding data (RFC 9266 tls-exporter, RFC 5929 tls-unique) when on TLS. */
  channelBinding?: SaslChannelBinding;
  /** The client's TLS certificate, when it presented one (AUTHENTICATE EXTERNAL). */
  peerCertificate?: PeerCertificate;
}

export interface ImapAuthenticator {
  /** LOGIN and AUTHENTICATE PLAIN: null when the name or password is wrong. */
  login(username: string, password: string, connection: ConnectionInfo): Promise<ImapUser | null>;
  /**
   * SASL mechanisms offered on this connection (libs/sasl `saslMechanisms`: no PLAIN before
   * TLS); without it, PLAIN over TLS only.
   */
  mechanisms?(connection: ConnectionInfo): string[];
  /** An exchange for an offered mechanism (libs/sasl `createSaslServer`); PLAIN falls back to `login`. */
  sasl?(mechanism: string, connection: ConnectionInfo): SaslSession | null;
}

export interface ImapLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
