import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { OutboundMessage } from './outbound-message.entity';

/** `queued` and `held` wait; the others are retired (kept as history). */
export type RecipientStatus = 'queued' | 'held' | 'delivered' | 'failed' | 'suppressed' | 'canceled';

export const WAITING_STATUSES: readonly RecipientStatus[] = ['queued', 'held'];

/**
 * One recipient of an outbound message: the unit of delivery, retry and outcome. Rows stay
 * after delivery or failure as the retired history until the account's retention ends.
 */
@Entity('queued_recipients')
@Index('queued_recipients_message', ['messageId'])
@Index('queued_recipients_account', ['accountId', 'id'])
@Index('queued_recipients_due', ['nextAttemptAt'], { where: "status = 'queued'" })
export class QueuedRecipient {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  messageId!: string;

  @ManyToOne(() => OutboundMessage, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: OutboundMessage;

  @Column('uuid')
  accountId!: string;

  /** The address as given (IDNA-encoded domain). */
  @Column('text')
  address!: string;

  /** Lower-case ASCII domain: recipients of one message to one domain share a transaction. */
  @Column('text')
  domain!: string;

  @Column('text')
  status!: RecipientStatus;

  @Column('integer', { default: 0 })
  attempts!: number;

  @Column('timestamptz')
  nextAttemptAt!: Date;

  @Column('timestamptz', { nullable: true })
  lastAttemptAt!: Date | null;

  /** A worker's lease: nobody else delivers this recipient until it expires. */
  @Column('timestamptz', { nullable: true })
  lockedUntil!: Date | null;

  @Column('uuid', { nullable: true })
  lockToken!: string | null;

  /** Set by an operator ("change transport"): overrides the routes for this recipient. */
  @Column('uuid', { nullable: true })
  transportId!: string | null;

  /** The last reply, for listing without reading attempts. */
  @Column('text', { nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { nullable: true })
  retiredAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
