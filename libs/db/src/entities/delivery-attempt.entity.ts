import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { QueuedRecipient } from './queued-recipient.entity';

export type AttemptOutcome = 'delivered' | 'temporary' | 'permanent';

/** One try at delivering one recipient, with the remote's reply. */
@Entity('delivery_attempts')
@Index('delivery_attempts_recipient', ['recipientId', 'number'])
export class DeliveryAttempt {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  recipientId!: string;

  @ManyToOne(() => QueuedRecipient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_id' })
  recipient?: QueuedRecipient;

  /** 1 for the first attempt. */
  @Column('integer')
  number!: number;

  @Column('timestamptz')
  startedAt!: Date;

  @Column('integer')
  durationMs!: number;

  @Column('text')
  outcome!: AttemptOutcome;

  @Column('text', { nullable: true })
  remoteHost!: string | null;

  @Column('text', { nullable: true })
  remoteIp!: string | null;

  @Column('integer', { nullable: true })
  smtpCode!: number | null;

  @Column('text', { nullable: true })
  enhancedCode!: string | null;

  @Column('text')
  text!: string;

  @Column('text', { nullable: true })
  tlsVersion!: string | null;
}
