import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CramMd5Secret, ScramSecret } from '@postern/sasl';
import { Account } from './account.entity';

/**
 * The secrets derived from an account's password. The password itself is never stored:
 * a slow hash for PLAIN/LOGIN, the salted SCRAM keys, and the HMAC-MD5 states CRAM-MD5 needs.
 */
@Entity('account_credentials')
export class AccountCredential {
  @PrimaryColumn('uuid')
  accountId!: string;

  @OneToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column('text')
  passwordHash!: string;

  @Column('jsonb')
  scramSha1!: ScramSecret;

  @Column('jsonb')
  scramSha256!: ScramSecret;

  @Column('jsonb')
  cramMd5!: CramMd5Secret;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
