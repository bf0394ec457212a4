import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';

/** Newly queued recipients matching every non-null field are held; an empty rule holds everything. */
@Entity('hold_rules')
export class HoldRule {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid', { nullable: true })
  accountId!: string | null;

  @Column('text', { nullable: true })
  senderDomain!: string | null;

  @Column('text', { nullable: true })
  recipientDomain!: string | null;

  @Column('text', { nullable: true })
  comment!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
