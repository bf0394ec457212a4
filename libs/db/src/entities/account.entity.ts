import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { bigintNumber } from '../transformers';

/** A mail account: owns addresses, mailboxes, API keys and sent messages. */
@Entity('accounts')
export class Account {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('text', { unique: true })
  name!: string;

  /** Mailbox storage limit in bytes; 0 means unlimited. */
  @Column('bigint', { default: 0, transformer: bigintNumber })
  quotaBytes!: number;

  @Column('integer', { default: 1000 })
  messagesPerDay!: number;

  @Column('integer', { default: 200 })
  firstTimeRecipientsPerDay!: number;

  /** How long events and webhook deliveries are kept. */
  @Column('integer', { default: 30 })
  eventRetentionDays!: number;

  /** How long retired (delivered or failed) queue history is kept. */
  @Column('integer', { default: 30 })
  historyRetentionDays!: number;

  /** Seconds between delivery attempts after temporary failures; null: the global schedule. */
  @Column('integer', { array: true, nullable: true })
  retrySchedule!: number[] | null;

  /** Whether failed API sends also produce a DSN to the envelope sender (webhooks always fire). */
  @Column('boolean', { default: false })
  dsnForApiSends!: boolean;

  @Column('boolean', { default: false })
  disabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
