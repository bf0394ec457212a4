import { Inject, Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere, In } from 'typeorm';
import { Page, PageRequest, QueuedRecipient, Suppression, SuppressionReason, findPage } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { addressKey, domainKey, insertSuppression, suppressionKey } from './suppression-keys';

/** An account's suppression list: addresses (and whole domains) it does not send to. */
@Injectable()
export class SuppressionsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  list(accountId: string, filter: { reason?: SuppressionReason; domain?: string }, page: PageRequest): Promise<Page<Suppression>> {
    const where: FindOptionsWhere<Suppression> = { accountId };
    if (filter.reason) where.reason = filter.reason;
    return findPage(this.db.getRepository(Suppression), where, page);
  }

  async get(accountId: string, address: string): Promise<Suppression> {
    const key = this.key(address);
    const entry = await this.db.getRepository(Suppression).findOneBy({ accountId, addressKey: key });
    if (!entry) throw notFound('suppression', address);
    return entry;
  }

  async add(accountId: string, input: { address: string; reason?: SuppressionReason; expiresAt?: Date | null }): Promise<Suppression> {
    const key = this.key(input.address);
    const id = await insertSuppression(this.db, {
      accountId,
      key,
      address: input.address.trim(),
      reason: input.reason ?? 'manual',
      expiresAt: input.expiresAt ?? null,
    });
    if (!id) throw new DomainError(ErrorCode.Conflict, `'${key}' is already on the suppression list`);
    return this.db.getRepository(Suppression).findOneByOrFail({ id });
  }

  /**
   * Removes the entry. With `releaseHeld`, the account's held recipients at that address
   * (or domain) become due now; they are returned so the caller can schedule them.
   */
  async remove(accountId: string, address: string, releaseHeld = false): Promise<QueuedRecipient[]> {
    const entry = await this.get(accountId, address);
    return this.db.transaction(async (tx) => {
      await tx.getRepository(Suppression).delete({ id: entry.id });
      if (!releaseHeld) return [];
      const held = await tx.getRepository(QueuedRecipient).findBy({ accountId, status: 'held' });
      const matching = held.filter((r) => {
        return addressKey(r.address) === entry.addressKey || domainKey(r.domain) === entry.addressKey;
      });
      if (matching.length === 0) return [];
      const now = new Date();
      await tx.getRepository(QueuedRecipient).update({ id: In(matching.map((r) => r.id)) }, { status: 'queued', nextAttemptAt: now });
      return matching.map((r) => Object.assign(r, { status: 'queued' as const, nextAttemptAt: now }));
    });
  }

  private key(address: string): string {
    try {
      return suppressionKey(address);
    } catch (err) {
      throw new DomainError(ErrorCode.InvalidAddress, err instanceof Error ? err.message : `'${address}' is not an address or *@domain`);
    }
  }
}
