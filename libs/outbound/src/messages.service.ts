import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { DeliveryAttempt, OutboundMessage, Page, PageRequest, QueuedRecipient, RecipientStatus, pageQuery } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { recordEvent } from '@postern/events';

export interface MessageFilter {
  status?: RecipientStatus;
  recipient?: string;
  tag?: string;
  since?: Date;
  until?: Date;
}

export interface RecipientView {
  recipient: QueuedRecipient;
  attempts: DeliveryAttempt[];
}

export interface MessageView {
  message: OutboundMessage;
  recipients: RecipientView[];
}

/** Reading an account's outbound messages, and canceling recipients that still wait. */
@Injectable()
export class MessagesService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async get(accountId: string, id: string): Promise<MessageView> {
    const message = await this.db.getRepository(OutboundMessage).findOneBy({ id, accountId });
    if (!message) throw notFound('message', id);
    const [view] = await this.withRecipients([message]);
    return view;
  }

  async list(accountId: string, filter: MessageFilter, page: PageRequest): Promise<Page<MessageView>> {
    const q = this.db.getRepository(OutboundMessage).createQueryBuilder('m').where('m.account_id = :accountId', { accountId });
    if (filter.tag) q.andWhere(':tag = ANY(m.tags)', { tag: filter.tag });
    if (filter.since) q.andWhere('m.created_at >= :since', { since: filter.since });
    if (filter.until) q.andWhere('m.created_at < :until', { until: filter.until });
    if (filter.status || filter.recipient) {
      const sub = ['r.message_id = m.id'];
      if (filter.status) sub.push('r.status = :status');
      if (filter.recipient) sub.push('lower(r.address) = lower(:recipient)');
      q.andWhere(`EXISTS (SELECT 1 FROM queued_recipients r WHERE ${sub.join(' AND ')})`, {
        status: filter.status,
        recipient: filter.recipient,
      });
    }
    const messages = await pageQuery(q, 'm', page);
    return { items: await this.withRecipients(messages.items), next: messages.next };
  }

  /** Cancels a recipient that is queued or held and not being delivered at this moment. */
  async cancelRecipient(accountId: string, messageId: string, recipientId: string): Promise<QueuedRecipient> {
    return this.db.transaction(async (tx) => {
      const recipient = await tx
        .getRepository(QueuedRecipient)
        .createQueryBuilder('r')
        .setLock('pessimistic_write')
        .where('r.id = :recipientId AND r.message_id = :messageId AND r.account_id = :accountId', { recipientId, messageId, accountId })
        .getOne();
      if (!recipient) throw notFound('recipient', recipientId);
      if (recipient.status !== 'queued' && recipient.status !== 'held') {
        throw new DomainError(ErrorCode.RecipientNotWaiting, `recipient '${recipientId}' is already ${recipient.status}`);
      }
      if (recipient.lockedUntil && recipient.lockedUntil > new Date()) {
        throw new DomainError(ErrorCode.RecipientNotWaiting, `recipient '${recipientId}' is being delivered right now; try again shortly`);
      }
      recipient.status = 'canceled';
      recipient.retiredAt = new Date();
      await tx.getRepository(QueuedRecipient).update({ id: recipient.id }, { status: 'canceled', retiredAt: recipient.retiredAt });
      const message = await tx.getRepository(OutboundMessage).findOneByOrFail({ id: messageId });
      await recordEvent(tx, 'message.canceled', message, recipient, {});
      return recipient;
    });
  }

  private async withRecipients(messages: OutboundMessage[]): Promise<MessageView[]> {
    if (messages.length === 0) return [];
    const recipients = await this.db
      .getRepository(QueuedRecipient)
      .find({ where: { messageId: In(messages.map((m) => m.id)) }, order: { id: 'ASC' } });
    const attempts = recipients.length
      ? await this.db
          .getRepository(DeliveryAttempt)
          .find({ where: { recipientId: In(recipients.map((r) => r.id)) }, order: { recipientId: 'ASC', number: 'ASC' } })
      : [];
    return messages.map((message) => ({
      message,
      recipients: recipients
        .filter((r) => r.messageId === message.id)
        .map((recipient) => ({ recipient, attempts: attempts.filter((a) => a.recipientId === recipient.id) })),
    }));
  }
}
