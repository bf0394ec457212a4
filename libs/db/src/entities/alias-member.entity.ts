import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Column } from 'typeorm';
import { uuidv7 } from '../ids';
import { Address } from './address.entity';
import { Alias } from './alias.entity';

/** A member of an alias: always a configured address, so mail to the alias reaches an account. */
@Entity('alias_members')
@Index('alias_members_alias_address', ['aliasId', 'addressId'], { unique: true })
export class AliasMember {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  aliasId!: string;

  @ManyToOne(() => Alias, (alias) => alias.members, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'alias_id' })
  alias?: Alias;

  @Index('alias_members_address')
  @Column('uuid')
  addressId!: string;

  @ManyToOne(() => Address, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'address_id' })
  address?: Address;
}
