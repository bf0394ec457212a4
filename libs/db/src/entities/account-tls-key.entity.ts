import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Account } from './account.entity';

/**
 * A TLS client key registered to an account, for SASL EXTERNAL on submission (RFC 4422
 * appendix A): a client presenting a certificate with this public key is the account. Only
 * the SHA-256 of the SubjectPublicKeyInfo is kept, so a renewed certificate over the same key
 * still works.
 */
@Entity('account_tls_keys')
export class AccountTlsKey {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Index('account_tls_keys_account')
  @Column('uuid')
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  /** base64 SHA-256 of the DER SubjectPublicKeyInfo. */
  @Column('text', { unique: true })
  spkiSha256!: string;

  @Column('text')
  name!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
