import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Account } from './account.entity';
import { Domain } from './domain.entity';

/** An address delivering to an account. An empty local part is the domain's catch-all (`@domain`). */
@Entity('addresses')
@Index('addresses_domain_localpart', ['domainId', 'localpartKey'], { unique: true })
export class Address {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  domainId!: string;

  @ManyToOne(() => Domain, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'domain_id' })
  domain?: Domain;

  @Index('addresses_account')
  @Column('uuid')
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  /** NFC-normalised, case as given. */
  @Column('text')
  localpart!: string;

  /** Lower-cased local part, for case-insensitive lookup. */
  @Column('text')
  localpartKey!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
