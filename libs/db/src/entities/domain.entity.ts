import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { DkimKey } from './dkim-key.entity';

/** A mail domain Postern receives and sends for. */
@Entity('domains')
export class Domain {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  /** Lower-case ASCII (IDNA A-labels), the form used in DNS and SMTP. */
  @Column('text', { unique: true })
  name!: string;

  /** The same name in Unicode (U-labels), for display. */
  @Column('text')
  unicodeName!: string;

  /** Separator for sub-addressing (`user+tag@`); null disables it. */
  @Column('varchar', { length: 8, nullable: true, default: '+' })
  catchallSeparator!: string | null;

  @Column('boolean', { default: false })
  disabled!: boolean;

  @OneToMany(() => DkimKey, (key) => key.domain)
  dkimKeys?: DkimKey[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
