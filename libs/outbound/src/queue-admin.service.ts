import { Inject, Injectable } from '@nestjs/common';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { HoldRule, OutboundMessage, Page, PageRequest, QueuedRecipient, RecipientStatus, pageQuery } from '@postern/db';
import { notFound } from '@postern/errors';
import { DeliveryScheduler } from './delivery-scheduler';
import { recordEvent } from '@postern/events';

export interface QueueFilter {
  ids?: string[];
  accountId?: string;
  senderDomain?: string;
  recipientDomain?: string;
  status?: RecipientStatus;
  minAttempts?: number;
  since?: Date;
  until?: Date;
}

export type QueueAction = 'hold' | 'release' | 'retry' | 'drop' | 'fail' | 'transport';

const RETIRED: RecipientStatus[] = ['delivered', 'failed', 'suppressed', 'canceled'];

/** What each action takes and what it makes of it. */
const ACTIONS: Record<QueueAction, { from: RecipientStatus[]; to: RecipientStatus }> = {
  hold: { from: ['queued'], to: 'held' },
  release: { from: ['held'], to: 'queued' },
  retry: { from: ['queued'], to: 'queued' },
  drop: { from: ['queued', 'held'], to: 'canceled' },
  fail: { from: ['queued', 'held'], to: 'failed' },
  transport: { from: ['queued', 'held'], to: 'queued' },
};

/** The operator's view of the outbound queue and its retired history, and bulk actions on it. */
@Injectable()
export class QueueAdminService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(DeliveryScheduler) private readonly scheduler: DeliveryScheduler,
  ) {}

  list(filter: QueueFilter, page: PageRequest, retired: boolean): Promise<Page<QueuedRecipient & { message: OutboundMessage }>> {
    const q = this.filtered(filter).andWhere(`r.status ${retired ? '' : 'NOT '}IN (:...retired)`, { retired: RETIRED });
    return this.page(q, page);
  }

  /** Applies an action to every matching recipient that is waiting and not being delivered; returns how many changed. */
  async apply(action: QueueAction, filter: QueueFilter, transportId: string | null = null): Promise<number> {
    const { from, to } = ACTIONS[action];
    const changed = await this.db.transaction(async (tx) => {
      const ids = (
        await this.filtered(filter, tx.getRepository(QueuedRecipient).createQueryBuilder('r'))
          .andWhere('r.status IN (:...from)', { from })
          .andWhere('(r.locked_until IS NULL OR r.locked_until < now())')
          .select('r.id', 'id')
          .setLock('pessimistic_write', undefined, ['r'])
          .getRawMany<{ id: string }>()
      ).map((r) => r.id);
      if (ids.length === 0) return { count: 0, rows: [] };
      const now = new Date();
      const retiring = to === 'canceled' || to === 'failed';
      if (action === 'transport') {
        // Keeps each recipient's status and schedule; only the way out changes.
        await tx.getRepository(QueuedRecipient).createQueryBuilder().update().set({ transportId }).whereInIds(ids).execute();
        return { count: ids.length, rows: [] };
      }
      await tx
        .getRepository(QueuedRecipient)
        .createQueryBuilder()
        .update()
        .set({
          status: to,
          ...(retiring
            ? { retiredAt: now, lastError: `${action === 'drop' ? 'dropped' : 'failed'} by an administrator` }
            : { nextAttemptAt: now }),
        })
        .whereInIds(ids)
        .execute();
      const rows = await tx.getRepository(QueuedRecipient).find({ where: ids.map((id) => ({ id })), relations: { message: true } });
      if (retiring) {
        for (const row of rows) {
          await recordEvent(tx, to === 'canceled' ? 'message.canceled' : 'message.failed', row.message!, row, {
            text: row.lastError,
            attempt: row.attempts,
          });
        }
      }
      return { count: ids.length, rows };
    });
    if (to === 'queued') await this.scheduler.runNow(changed.rows);
    return changed.count;
  }

  async listHoldRules(): Promise<HoldRule[]> {
    return this.db.getRepository(HoldRule).find({ order: { id: 'ASC' } });
  }

  async createHoldRule(input: {
    accountId?: string | null;
    senderDomain?: string | null;
    recipientDomain?: string | null;
    comment?: string | null;
  }): Promise<HoldRule> {
    const rule = this.db.getRepository(HoldRule).create({
      accountId: input.accountId ?? null,
      senderDomain: input.senderDomain?.toLowerCase() ?? null,
      recipientDomain: input.recipientDomain?.toLowerCase() ?? null,
      comment: input.comment ?? null,
    });
    await this.db.getRepository(HoldRule).insert(rule);
    return rule;
  }

  async deleteHoldRule(id: string): Promise<void> {
    const result = await this.db.getRepository(HoldRule).delete({ id });
    if (!result.affected) throw notFound('hold rule', id);
  }

  private filtered(
    filter: QueueFilter,
    q = this.db.getRepository(QueuedRecipient).createQueryBuilder('r'),
  ): SelectQueryBuilder<QueuedRecipient> {
    q.innerJoinAndSelect('r.message', 'm').where('TRUE');
    if (filter.ids) q.andWhere('r.id IN (:...ids)', { ids: filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000'] });
    if (filter.accountId) q.andWhere('r.account_id = :accountId', { accountId: filter.accountId });
    if (filter.senderDomain) q.andWhere("lower(split_part(m.from_address, '@', 2)) = lower(:sender)", { sender: filter.senderDomain });
    if (filter.recipientDomain) q.andWhere('r.domain = lower(:domain)', { domain: filter.recipientDomain });
    if (filter.status) q.andWhere('r.status = :status', { status: filter.status });
    if (filter.minAttempts !== undefined) q.andWhere('r.attempts >= :minAttempts', { minAttempts: filter.minAttempts });
    if (filter.since) q.andWhere('r.created_at >= :since', { since: filter.since });
    if (filter.until) q.andWhere('r.created_at < :until', { until: filter.until });
    return q;
  }

  private async page(
    q: SelectQueryBuilder<QueuedRecipient>,
    page: PageRequest,
  ): Promise<Page<QueuedRecipient & { message: OutboundMessage }>> {
    return (await pageQuery(q, 'r', page)) as Page<QueuedRecipient & { message: OutboundMessage }>;
  }
}
