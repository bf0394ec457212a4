import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { Address, Alias, DkimKey, Domain, Page, PageRequest, findPage } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { generateDkimKeys } from './dkim-keys';
import { DnsRecordSet, buildDnsRecords } from './dns-records';
import { parseDomain } from './names';

export interface CreateDomainInput {
  name: string;
  /** Sub-address separator; defaults to `+`, null disables. */
  catchallSeparator?: string | null;
}

@Injectable()
export class DomainsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates a domain with a fresh Ed25519 and RSA-2048 DKIM key. */
  async create(input: CreateDomainInput): Promise<Domain> {
    const name = parseDomain(input.name);
    const separator = input.catchallSeparator === undefined ? '+' : input.catchallSeparator;
    const keys = await generateDkimKeys();
    return this.db.transaction(async (tx) => {
      const existing = await tx.getRepository(Domain).findOneBy({ name: name.ascii });
      if (existing) throw new DomainError(ErrorCode.DomainExists, `domain '${name.ascii}' already exists`);
      const domain = tx.getRepository(Domain).create({ name: name.ascii, unicodeName: name.unicode, catchallSeparator: separator });
      await tx.getRepository(Domain).insert(domain);
      domain.dkimKeys = keys.map((k) => tx.getRepository(DkimKey).create({ ...k, domainId: domain.id }));
      await tx.getRepository(DkimKey).insert(domain.dkimKeys);
      return domain;
    });
  }

  list(page: PageRequest): Promise<Page<Domain>> {
    return findPage(this.db.getRepository(Domain), {}, page, { dkimKeys: true });
  }

  /** Finds a domain by its name (Unicode or ASCII); 404 when absent. */
  async get(name: string): Promise<Domain> {
    const found = await this.find(name);
    if (!found) throw notFound('domain', name);
    return found;
  }

  async find(name: string): Promise<Domain | null> {
    let ascii: string;
    try {
      ascii = parseDomain(name).ascii;
    } catch {
      return null;
    }
    return this.db.getRepository(Domain).findOne({ where: { name: ascii }, relations: { dkimKeys: true } });
  }

  /** Deletes a domain and its DKIM keys; refused while addresses or aliases use it. */
  async delete(name: string): Promise<void> {
    const domain = await this.get(name);
    await this.db.transaction(async (tx) => {
      const inUse =
        (await tx.getRepository(Address).countBy({ domainId: domain.id })) +
        (await tx.getRepository(Alias).countBy({ domainId: domain.id }));
      if (inUse > 0) {
        throw new DomainError(ErrorCode.DomainInUse, `domain '${domain.name}' still has ${inUse} addresses or aliases; delete them first`);
      }
      await tx.getRepository(Domain).delete({ id: domain.id });
    });
  }

  async dnsRecords(name: string): Promise<DnsRecordSet & { domain: Domain }> {
    const domain = await this.get(name);
    const policyId = domain.createdAt.toISOString().replace(/\D/g, '').slice(0, 14);
    return {
      domain,
      ...buildDnsRecords({ domain: domain.name, hostname: this.config.hostname, dkimKeys: domain.dkimKeys ?? [], policyId }),
    };
  }
}
