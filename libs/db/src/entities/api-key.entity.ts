import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Account } from './account.entity';

export type ApiKeyScope = 'admin' | 'account';

/**
 * An API key. The key is shown once at creation; only its SHA-256 is stored (the key has
 * 192 random bits, so a fast hash is enough). The prefix identifies it for display and lookup.
 */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('text')
  name!: string;

  @Column('text', { unique: true })
  prefix!: string;

  @Column('text')
  secretHash!: string;

  @Column('text')
  scope!: ApiKeyScope;

  @Index('api_keys_account')
  @Column('uuid', { nullable: true })
  accountId!: string | null;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'account_id' })
  account?: Account | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}
