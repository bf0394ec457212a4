import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MailEvent, MailEventType, OutboundMessage, QueuedRecipient, uuidv7 } from '@postern/db';
import { BounceRecipient, ParsedBounce, parseBounce } from '@postern/mime';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { recordEvent } from './record-event';
import { suppressionKey } from './suppressions.service';

export interface BounceOutcome {
  /** The message the bounce was for, when its envelope sender (or Message-ID) matched. */
  messageId: string | null;
  kind: ParsedBounce['kind'];
  events: MailEventType[];
}

const ACTION_EVENTS: Record<BounceRecipient['action'], MailEventType> = {
  failed: 'message.bounced',
  delayed: 'message.delayed',
  delivered: 'message.delivered',
  relayed: 'message.relayed',
  expanded: 'message.expanded',
};

/**
 * Matches a bounce or complaint that arrived by mail to the message it is about (its
 * unique envelope sender, else the original Message-ID) and to that message's recipients,
 * and records what it says: `message.bounced` (+ suppression when hard), delayed /
 * delivered / relayed / expanded, `message.complained` (+ suppression), or
 * `message.bounce_unrecognized`. The MTA's inbound path calls this for mail to an
 * envelope-sender address.
 */
@Injectable()
export class BounceMatcherService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async handle(envelopeRecipient: string, raw: Buffer): Promise<BounceOutcome> {
    const parsed = await parseBounce(raw);
    return this.db.transaction(async (tx) => {
      const message = await this.findMessage(tx, envelopeRecipient, parsed.originalMessageId);
      if (!message) return { messageId: null, kind: parsed.kind, events: [] };
      const recipients = await tx.getRepository(QueuedRecipient).findBy({ messageId: message.id });
      const events: MailEventType[] = [];
      if (parsed.kind === 'autoreply') return { messageId: message.id, kind: parsed.kind, events };
      if ((parsed.kind !== 'dsn' && parsed.kind !== 'complaint') || parsed.recipients.length === 0) {
        await this.unrecognized(tx, message, parsed.kind);
        return { messageId: message.id, kind: parsed.kind, events: ['message.bounce_unrecognized'] };
      }
      for (const reported of parsed.recipients) {
        const key = safeKey(reported.address);
        const recipient =
          recipients.find((r) => safeKey(r.address) === key) ??
          (recipients.length === 1 && parsed.kind === 'complaint' ? recipients[0] : undefined);
        if (!recipient) {
          await this.unrecognized(tx, message, parsed.kind, reported);
          events.push('message.bounce_unrecognized');
          continue;
        }
        const type: MailEventType = parsed.kind === 'complaint' ? 'message.complained' : ACTION_EVENTS[reported.action];
        const suppress = parsed.kind === 'complaint' || (reported.action === 'failed' && reported.hard);
        if (suppress) {
          await tx.query(
            `INSERT INTO suppressions (id, account_id, address_key, address, reason, smtp_reply) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account_id, address_key) DO NOTHING`,
            [
              uuidv7(),
              message.accountId,
              safeKey(recipient.address),
              recipient.address,
              parsed.kind === 'complaint' ? 'complaint' : 'hard_bounce',
              reported.diagnostic,
            ],
          );
        }
        await recordEvent(tx, type, message, recipient, {
          source: 'mail',
          status: reported.status,
          smtpCode: reported.smtpCode,
          text: reported.diagnostic,
          hard: reported.hard,
          suppressed: suppress,
        });
        events.push(type);
      }
      return { messageId: message.id, kind: parsed.kind, events };
    });
  }

  private async findMessage(
    tx: EntityManager,
    envelopeRecipient: string,
    originalMessageId: string | null,
  ): Promise<OutboundMessage | null> {
    const byEnvelope = await tx
      .getRepository(OutboundMessage)
      .createQueryBuilder('m')
      .where('lower(m.mail_from) = lower(:rcpt)', { rcpt: envelopeRecipient })
      .andWhere("m.mail_from <> ''")
      .getOne();
    if (byEnvelope || !originalMessageId) return byEnvelope;
    return tx.getRepository(OutboundMessage).findOneBy({ messageIdHeader: originalMessageId });
  }

  private async unrecognized(tx: EntityManager, message: OutboundMessage, kind: string, reported?: BounceRecipient): Promise<void> {
    const event = tx.getRepository(MailEvent).create({
      id: uuidv7(),
      accountId: message.accountId,
      type: 'message.bounce_unrecognized',
      messageId: message.id,
      recipientId: null,
      data: {
        messageId: message.id,
        from: message.fromAddress,
        subject: message.subject,
        messageIdHeader: message.messageIdHeader,
        extra: message.extra,
        tags: message.tags,
        kind,
        reported: reported ?? null,
      },
    });
    await tx.getRepository(MailEvent).insert(event as QueryDeepPartialEntity<MailEvent>);
  }
}

function safeKey(address: string): string {
  try {
    return suppressionKey(address);
  } catch {
    return address.toLowerCase();
  }
}
