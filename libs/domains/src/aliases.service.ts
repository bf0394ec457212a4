import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Address, Alias, AliasMember, Page, PageRequest, findPage } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { assertAddressFree, configuredDomain } from './addresses.service';
import { parseAddress } from './names';

export interface AliasFlags {
  postPublic?: boolean;
  membersVisible?: boolean;
  allowAsFrom?: boolean;
}

const RELATIONS = { domain: true, members: { address: { domain: true } } };

@Injectable()
export class AliasesService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async create(input: { address: string; members: string[] } & AliasFlags): Promise<Alias> {
    const parsed = parseAddress(input.address);
    const id = await this.db.transaction(async (tx) => {
      const domain = await configuredDomain(tx, parsed);
      await assertAddressFree(tx, domain, parsed);
      const alias = tx.getRepository(Alias).create({
        domainId: domain.id,
        localpart: parsed.localpart,
        localpartKey: parsed.localpartKey,
        postPublic: input.postPublic ?? false,
        membersVisible: input.membersVisible ?? false,
        allowAsFrom: input.allowAsFrom ?? false,
      });
      await tx.getRepository(Alias).insert(alias);
      await this.setMembers(tx, alias, input.members);
      return alias.id;
    });
    return this.byId(id);
  }

  list(page: PageRequest): Promise<Page<Alias>> {
    return findPage(this.db.getRepository(Alias), {}, page, RELATIONS);
  }

  async get(input: string): Promise<Alias> {
    let parsed;
    try {
      parsed = parseAddress(input);
    } catch {
      throw notFound('alias', input);
    }
    const alias = await this.db.getRepository(Alias).findOne({
      where: { localpartKey: parsed.localpartKey, domain: { name: parsed.domain.ascii } },
      relations: RELATIONS,
    });
    if (!alias) throw notFound('alias', input);
    return alias;
  }

  async update(input: string, change: { members?: string[] } & AliasFlags): Promise<Alias> {
    const alias = await this.get(input);
    await this.db.transaction(async (tx) => {
      const flags: AliasFlags = {};
      if (change.postPublic !== undefined) flags.postPublic = change.postPublic;
      if (change.membersVisible !== undefined) flags.membersVisible = change.membersVisible;
      if (change.allowAsFrom !== undefined) flags.allowAsFrom = change.allowAsFrom;
      if (Object.keys(flags).length > 0) await tx.getRepository(Alias).update({ id: alias.id }, flags);
      if (change.members) {
        await tx.getRepository(AliasMember).delete({ aliasId: alias.id });
        await this.setMembers(tx, alias, change.members);
      }
    });
    return this.byId(alias.id);
  }

  async delete(input: string): Promise<void> {
    const alias = await this.get(input);
    await this.db.getRepository(Alias).delete({ id: alias.id });
  }

  private async byId(id: string): Promise<Alias> {
    return this.db.getRepository(Alias).findOneOrFail({ where: { id }, relations: RELATIONS });
  }

  /** Members must be configured addresses (not catch-alls), each listed once. */
  private async setMembers(tx: EntityManager, alias: Alias, members: string[]): Promise<void> {
    const ids = new Set<string>();
    for (const [i, member] of members.entries()) {
      const parsed = parseAddress(member);
      const address = await tx.getRepository(Address).findOne({
        where: { localpartKey: parsed.localpartKey, domain: { name: parsed.domain.ascii } },
      });
      if (!address) {
        throw new DomainError(ErrorCode.ValidationFailed, `alias member '${member}' is not a configured address`, [
          { field: `members[${i}]`, message: `'${member}' is not a configured address` },
        ]);
      }
      ids.add(address.id);
    }
    if (ids.size > 0) {
      const repo = tx.getRepository(AliasMember);
      await repo.insert([...ids].map((addressId) => repo.create({ aliasId: alias.id, addressId })));
    }
  }
}
