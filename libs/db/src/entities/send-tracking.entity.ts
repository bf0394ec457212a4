import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Per account and UTC day: what the send limits count. */
@Entity('send_counters')
export class SendCounter {
  @PrimaryColumn('uuid')
  accountId!: string;

  @PrimaryColumn('date')
  day!: string;

  @Column('integer', { default: 0 })
  messages!: number;

  @Column('integer', { default: 0 })
  firstTimeRecipients!: number;
}

/** An address an account has sent to: first-time recipients, and failures in a row. */
@Entity('account_recipients')
export class AccountRecipient {
  @PrimaryColumn('uuid')
  accountId!: string;

  @PrimaryColumn('text')
  addressKey!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  firstSentAt!: Date;

  @Column('integer', { default: 0 })
  consecutiveFailures!: number;
}

/** The first answer to a send with an `Idempotency-Key`, replayed for 24 hours. */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryColumn('uuid')
  accountId!: string;

  @PrimaryColumn('text')
  key!: string;

  /** SHA-256 of the request (route and body): the same key with another body is refused. */
  @Column('text')
  requestHash!: string;

  @Column('jsonb')
  response!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
