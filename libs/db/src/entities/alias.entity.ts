import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import { AliasMember } from './alias-member.entity';
import { Domain } from './domain.entity';

/** An address that expands to several member addresses (a small mailing list). */
@Entity('aliases')
@Index('aliases_domain_localpart', ['domainId', 'localpartKey'], { unique: true })
export class Alias {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  domainId!: string;

  @ManyToOne(() => Domain, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'domain_id' })
  domain?: Domain;

  @Column('text')
  localpart!: string;

  @Column('text')
  localpartKey!: string;

  /** Anyone may send to the alias; when false, only its members may. */
  @Column('boolean', { default: false })
  postPublic!: boolean;

  /** Members may see who the other members are. */
  @Column('boolean', { default: false })
  membersVisible!: boolean;

  /** Members may send with the alias as their From address. */
  @Column('boolean', { default: false })
  allowAsFrom!: boolean;

  @OneToMany(() => AliasMember, (member) => member.alias)
  members?: AliasMember[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
