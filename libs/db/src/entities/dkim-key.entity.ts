import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Domain } from './domain.entity';

export type DkimAlgorithm = 'ed25519-sha256' | 'rsa-sha256';

/** A DKIM signing key of a domain, published at `<selector>._domainkey.<domain>`. */
@Entity('dkim_keys')
@Index('dkim_keys_domain_selector', ['domainId', 'selector'], { unique: true })
export class DkimKey {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  domainId!: string;

  @ManyToOne(() => Domain, (domain) => domain.dkimKeys, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'domain_id' })
  domain?: Domain;

  @Column('text')
  selector!: string;

  @Column('text')
  algorithm!: DkimAlgorithm;

  /** PKCS#8 PEM. */
  @Column('text')
  privateKey!: string;

  /** The `p=` value of the DNS record: base64 SPKI for RSA, the raw 32-byte key for Ed25519 (RFC 8463). */
  @Column('text')
  publicKey!: string;

  /** Whether outgoing mail is signed with this key. */
  @Column('boolean', { default: true })
  active!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
