import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What inbound mail from one sender domain (the From header's domain) has looked like so far:
 * how many messages, how many passed DMARC (or, without a policy, aligned SPF or DKIM), how
 * many failed, and how many were refused or filed as junk. A domain without a row is a
 * first-time sender.
 */
@Entity('sender_reputation')
export class SenderReputation {
  /** Lower-case ASCII domain. */
  @PrimaryColumn('text')
  domain!: string;

  @Column('integer', { default: 0 })
  messages!: number;

  @Column('integer', { default: 0 })
  authenticated!: number;

  @Column('integer', { default: 0 })
  failed!: number;

  @Column('integer', { default: 0 })
  rejected!: number;

  @Column('integer', { default: 0 })
  junk!: number;

  /** The last message's verdict, e.g. `dmarc=pass`. */
  @Column('text', { nullable: true })
  lastResult!: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  firstSeenAt!: Date;

  @Column('timestamptz', { default: () => 'now()' })
  lastSeenAt!: Date;
}
