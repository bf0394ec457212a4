import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';

/**
 * The bytes of one message (RFC 5322, CRLF, DKIM-signed for outgoing mail), stored once and
 * shared by every recipient. Kept in PostgreSQL; the blob store interface allows others.
 */
@Entity('message_blobs')
export class MessageBlob {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('bytea')
  data!: Buffer;

  @Column('integer')
  size!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
