import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';

/**
 * How mail leaves: `direct` (MX lookup), `relay` (a smarthost on port 25), `submission`
 * (587 STARTTLS or 465 TLS, with AUTH), `socks` (direct, through a SOCKS5 proxy) or `fail`
 * (a fixed reply, for blocking or testing).
 */
export type TransportKind = 'direct' | 'relay' | 'submission' | 'socks' | 'fail';

@Entity('transports')
export class Transport {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('text', { unique: true })
  name!: string;

  @Column('text')
  kind!: TransportKind;

  /** Relay/submission server, or the SOCKS5 proxy. */
  @Column('text', { nullable: true })
  host!: string | null;

  @Column('integer', { nullable: true })
  port!: number | null;

  /** For relay/submission: `starttls` (required), `implicit` (port 465) or `none`. */
  @Column('text', { nullable: true })
  tls!: 'starttls' | 'implicit' | 'none' | null;

  /** Verify the server certificate (relay/submission). */
  @Column('boolean', { default: true })
  verifyTls!: boolean;

  @Column('text', { nullable: true })
  username!: string | null;

  /** Kept as given: the remote server needs the password itself. Protect the database accordingly. */
  @Column('text', { nullable: true })
  password!: string | null;

  /** For `fail`: the reply code and text every recipient gets. */
  @Column('integer', { nullable: true })
  failCode!: number | null;

  @Column('text', { nullable: true })
  failText!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
