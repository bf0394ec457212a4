import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { bigintBig } from '../transformers';
import { Mailbox } from './mailbox.entity';
import { MessageBlob } from './message-blob.entity';

/** A message in a mailbox: its UID, MODSEQ and flags; the bytes are a shared blob. */
@Entity('mailbox_messages')
@Index('mailbox_messages_uid', ['mailboxId', 'uid'], { unique: true })
@Index('mailbox_messages_modseq', ['mailboxId', 'modseq'])
@Index('mailbox_messages_account', ['accountId', 'id'])
@Index('mailbox_messages_blob', ['blobId'])
export class MailboxMessage {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @Column('uuid')
  mailboxId!: string;

  @ManyToOne(() => Mailbox, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'mailbox_id' })
  mailbox?: Mailbox;

  @Column('integer')
  uid!: number;

  @Column('bigint', { transformer: bigintBig })
  modseq!: bigint;

  /** System flags (canonical case, with backslash) and keywords. */
  @Column('text', { array: true, default: () => "'{}'" })
  flags!: string[];

  @Column('timestamptz')
  internalDate!: Date;

  @Column('integer')
  size!: number;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text', { nullable: true })
  fromAddress!: string | null;

  @Column('text', { nullable: true })
  messageIdHeader!: string | null;

  @Column('uuid')
  blobId!: string;

  @ManyToOne(() => MessageBlob, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'blob_id' })
  blob?: MessageBlob;

  /** Decoded header lines, lower case, for SEARCH HEADER/TEXT. */
  @Column('text', { default: '' })
  searchHeaders!: string;

  /** Decoded text of the body parts, lower case, for SEARCH BODY/TEXT. */
  @Column('text', { default: '' })
  searchBody!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** What an expunged message leaves behind, so QRESYNC can report VANISHED (RFC 7162 3.2.5.2). */
@Entity('mailbox_tombstones')
@Index('mailbox_tombstones_modseq', ['mailboxId', 'modseq'])
export class MailboxTombstone {
  @PrimaryColumn('uuid')
  mailboxId!: string;

  @ManyToOne(() => Mailbox, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'mailbox_id' })
  mailbox?: Mailbox;

  @PrimaryColumn('integer')
  uid!: number;

  @Column('bigint', { transformer: bigintBig })
  modseq!: bigint;
}
