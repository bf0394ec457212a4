import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';

export type MailEventType =
  | 'message.delivered'
  | 'message.delayed'
  | 'message.failed'
  | 'message.suppressed'
  | 'message.canceled'
  | 'message.bounced'
  | 'message.relayed'
  | 'message.expanded'
  | 'message.bounce_unrecognized'
  | 'message.complained'
  | 'message.received';

/**
 * Something that happened to a message, written in the same transaction as the change it
 * reports. Webhook deliveries are made from these rows; `data` is the webhook's data object.
 */
@Entity('events')
@Index('events_account', ['accountId', 'id'])
@Index('events_message', ['messageId'])
@Index('events_pending_fanout', ['id'], { where: 'fanned_out = false' })
export class MailEvent {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @Column('text')
  type!: MailEventType;

  @Column('uuid', { nullable: true })
  messageId!: string | null;

  @Column('uuid', { nullable: true })
  recipientId!: string | null;

  @Column('jsonb')
  data!: Record<string, unknown>;

  /** Whether webhook deliveries were created for it (the fan-out job's bookmark). */
  @Column('boolean', { default: false })
  fannedOut!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
