import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Account } from './account.entity';

export type MailboxRuleField = 'sender' | 'header';

/**
 * Files inbound mail into a mailbox other than the Inbox: when the envelope sender (or a
 * header) contains `contains`, case-insensitively. Rules are tried oldest first; the first
 * match wins. The mailbox is named, not referenced, so a rule survives a renamed mailbox
 * (a missing one falls back to the Inbox).
 */
@Entity('mailbox_rules')
@Index('mailbox_rules_account', ['accountId', 'id'])
export class MailboxRule {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column('text')
  field!: MailboxRuleField;

  /** The header name for `field: header` (e.g. `List-Id`); null for `sender`. */
  @Column('text', { nullable: true })
  header!: string | null;

  /** Case-insensitive substring of the sender address or the header's value. */
  @Column('text')
  contains!: string;

  @Column('text')
  mailboxName!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
