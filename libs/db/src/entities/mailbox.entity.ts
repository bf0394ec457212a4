import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { bigintBig, bigintNumber } from '../transformers';
import { Account } from './account.entity';

/**
 * A mailbox of an account (RFC 9051 2.3): the counters are kept exact by the mail store,
 * which changes them only while holding this row's lock.
 */
@Entity('mailboxes')
@Index('mailboxes_account_name', ['accountId', 'name'], { unique: true })
export class Mailbox {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  /** UTF-8, `/`-separated; the inbox is always `INBOX`. */
  @Column('text')
  name!: string;

  /** RFC 6154 attribute (`\Sent`, `\Drafts`, `\Trash`, `\Archive`, `\Junk`) or null. */
  @Column('text', { nullable: true })
  specialUse!: string | null;

  @Column('boolean', { default: true })
  subscribed!: boolean;

  @Column('integer')
  uidValidity!: number;

  @Column('integer', { default: 1 })
  uidNext!: number;

  @Column('bigint', { default: 1, transformer: bigintBig })
  highestModseq!: bigint;

  @Column('integer', { default: 0 })
  total!: number;

  @Column('integer', { default: 0 })
  unseen!: number;

  @Column('bigint', { default: 0, transformer: bigintNumber })
  size!: number;

  /** Keywords used in this mailbox, announced in FLAGS and PERMANENTFLAGS. */
  @Column('text', { array: true, default: () => "'{}'" })
  keywords!: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
