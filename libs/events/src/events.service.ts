import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MailEvent, MailEventType, Page, PageRequest, pageQuery } from '@postern/db';

export interface EventFilter {
  type?: MailEventType;
  messageId?: string;
  recipient?: string;
  tag?: string;
  since?: Date;
  until?: Date;
}

/** The event log of an account, oldest first, by cursor. */
@Injectable()
export class EventsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async list(accountId: string, filter: EventFilter, page: PageRequest): Promise<Page<MailEvent>> {
    const q = this.db.getRepository(MailEvent).createQueryBuilder('e').where('e.account_id = :accountId', { accountId });
    if (filter.type) q.andWhere('e.type = :type', { type: filter.type });
    if (filter.messageId) q.andWhere('e.message_id = :messageId', { messageId: filter.messageId });
    if (filter.recipient) q.andWhere("lower(e.data->>'recipient') = lower(:recipient)", { recipient: filter.recipient });
    if (filter.tag) q.andWhere("e.data->'tags' ? :tag", { tag: filter.tag });
    if (filter.since) q.andWhere('e.created_at >= :since', { since: filter.since });
    if (filter.until) q.andWhere('e.created_at < :until', { until: filter.until });
    return pageQuery(q, 'e', page);
  }
}
