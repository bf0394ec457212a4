import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';

export type SuppressionReason = 'manual' | 'hard_bounce' | 'repeated_failure' | 'complaint';

/** An address (or `*@domain`) an account does not send to. */
@Entity('suppressions')
@Index('suppressions_account_key', ['accountId', 'addressKey'], { unique: true })
export class Suppression {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  /** Lower-case, without the `+tag` part; `*@domain` for a whole domain. */
  @Column('text')
  addressKey!: string;

  /** The address that caused the entry, as it was written. */
  @Column('text')
  address!: string;

  @Column('text')
  reason!: SuppressionReason;

  /** The SMTP reply that triggered it, for bounces. */
  @Column('text', { nullable: true })
  smtpReply!: string | null;

  @Column('timestamptz', { nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
