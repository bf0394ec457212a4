import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Transport } from './transport.entity';

/**
 * Chooses a transport. Account routes (accountId set) are tried first, then domain routes
 * (fromDomain set), then global ones; within a level by position; the first whose non-null
 * fields all match wins. No match: direct delivery.
 */
@Entity('routes')
export class Route {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid', { nullable: true })
  accountId!: string | null;

  /** Sender (From) domain. */
  @Column('text', { nullable: true })
  fromDomain!: string | null;

  /** Recipient domain. */
  @Column('text', { nullable: true })
  toDomain!: string | null;

  /** Applies from this attempt number on (1 = the first attempt), e.g. to fall back to a relay after failures. */
  @Column('integer', { default: 1 })
  minAttempt!: number;

  @Column('integer', { default: 0 })
  position!: number;

  @Column('uuid')
  transportId!: string;

  @ManyToOne(() => Transport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'transport_id' })
  transport?: Transport;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
