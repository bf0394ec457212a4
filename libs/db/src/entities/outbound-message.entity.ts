import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { Account } from './account.entity';
import { MessageBlob } from './message-blob.entity';

export type OutboundSource = 'api' | 'raw' | 'submission' | 'dsn';

/** A message accepted for sending: its envelope sender, metadata and stored bytes. */
@Entity('outbound_messages')
@Index('outbound_messages_account', ['accountId', 'id'])
export class OutboundMessage {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Account;

  @Column('text')
  source!: OutboundSource;

  /** The From header address. */
  @Column('text')
  fromAddress!: string;

  /** The envelope sender (MAIL FROM); empty for the null reverse-path of DSNs. */
  @Column('text')
  mailFrom!: string;

  /** The Message-ID header, with angle brackets. */
  @Column('text')
  messageIdHeader!: string;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('integer')
  size!: number;

  @Column('uuid')
  blobId!: string;

  @ManyToOne(() => MessageBlob, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'blob_id' })
  blob?: MessageBlob;

  /** Caller's key/value pairs, carried to every webhook of this message. */
  @Column('jsonb', { default: {} })
  extra!: Record<string, string>;

  @Column('text', { array: true, default: '{}' })
  tags!: string[];

  /** RFC 8689: true = REQUIRETLS, false = `TLS-Required: No`, null = default policy. */
  @Column('boolean', { nullable: true })
  requireTls!: boolean | null;

  /** When delivery may start (null: at once). */
  @Column('timestamptz', { nullable: true })
  sendAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
