import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { Account, Address, Alias, Domain, Page, PageRequest, findPage } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { ParsedAddress, formatAddress, parseAddress } from './names';

/** Resolves an address's domain, which must be configured. */
export async function configuredDomain(tx: EntityManager, parsed: ParsedAddress): Promise<Domain> {
  const domain = await tx.getRepository(Domain).findOneBy({ name: parsed.domain.ascii });
  if (!domain) throw new DomainError(ErrorCode.UnknownDomain, `domain '${parsed.domain.ascii}' is not configured`);
  return domain;
}

/** Addresses and aliases share one namespace per domain. */
export async function assertAddressFree(tx: EntityManager, domain: Domain, parsed: ParsedAddress): Promise<void> {
  const where = { domainId: domain.id, localpartKey: parsed.localpartKey };
  if ((await tx.getRepository(Address).countBy(where)) + (await tx.getRepository(Alias).countBy(where)) > 0) {
    throw new DomainError(ErrorCode.AddressExists, `'${formatAddress(parsed.localpart, domain.name)}' is already an address or alias`);
  }
}

export function addressString(address: Address & { domain?: Domain }): string {
  return formatAddress(address.localpart, address.domain?.name ?? '?');
}

@Injectable()
export class AddressesService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Adds `local@domain` (or `@domain`, the catch-all) to an account. */
  async create(input: { address: string; accountId: string }): Promise<Address> {
    const parsed = parseAddress(input.address, { allowCatchall: true });
    return this.db.transaction(async (tx) => {
      const account = await tx.getRepository(Account).findOneBy({ id: input.accountId });
      if (!account) throw new DomainError(ErrorCode.UnknownAccount, `account '${input.accountId}' does not exist`);
      const domain = await configuredDomain(tx, parsed);
      await assertAddressFree(tx, domain, parsed);
      const address = tx.getRepository(Address).create({
        domainId: domain.id,
        accountId: account.id,
        localpart: parsed.localpart,
        localpartKey: parsed.localpartKey,
      });
      await tx.getRepository(Address).insert(address);
      address.domain = domain;
      return address;
    });
  }

  list(filter: { accountId?: string }, page: PageRequest): Promise<Page<Address>> {
    const where: FindOptionsWhere<Address> = filter.accountId ? { accountId: filter.accountId } : {};
    return findPage(this.db.getRepository(Address), where, page, { domain: true });
  }

  /** Finds a configured address (case-insensitively) or null. */
  async find(input: string): Promise<Address | null> {
    let parsed: ParsedAddress;
    try {
      parsed = parseAddress(input, { allowCatchall: true });
    } catch {
      return null;
    }
    return this.db.getRepository(Address).findOne({
      where: { localpartKey: parsed.localpartKey, domain: { name: parsed.domain.ascii } },
      relations: { domain: true },
    });
  }

  async delete(input: string): Promise<void> {
    const address = await this.find(input);
    if (!address) throw notFound('address', input);
    await this.db.getRepository(Address).delete({ id: address.id });
  }
}
