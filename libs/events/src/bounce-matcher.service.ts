import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MailEventType, OutboundMessage, QueuedRecipient } from '@postern/db';
import { BounceRecipient, ParsedBounce, parseBounce } from '@postern/mime';
import { recordEvent } from './record-event';
import { addressKey, insertSuppression } from './suppression-keys';

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

  /** `parsed`: what the caller already made of `raw` with parseBounce, so it is not parsed twice. */
  async handle(envelopeRecipient: string, raw: Buffer, parsed?: ParsedBounce): Promise<BounceOutcome> {
    parsed ??= await parseBounce(raw);
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
        const key = addressKey(reported.address);
        const recipient =
          recipients.find((r) => addressKey(r.address) === key) ??
          (recipients.length === 1 && parsed.kind === 'complaint' ? recipients[0] : undefined);
        if (!recipient) {
          await this.unrecognized(tx, message, parsed.kind, reported);
          events.push('message.bounce_unrecognized');
          continue;
        }
        const type: MailEventType = parsed.kind === 'complaint' ? 'message.complained' : ACTION_EVENTS[reported.action];
        const suppress = parsed.kind === 'complaint' || (reported.action === 'failed' && reported.hard);
        if (suppress) {
          await insertSuppression(tx, {
            accountId: message.accountId,
            key: addressKey(recipient.address),
            address: recipient.address,
            reason: parsed.kind === 'complaint' ? 'complaint' : 'hard_bounce',
            smtpReply: reported.diagnostic,
          });
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

  private unrecognized(tx: EntityManager, message: OutboundMessage, kind: string, reported?: BounceRecipient): Promise<void> {
    return recordEvent(tx, 'message.bounce_unrecognized', message, null, { kind, reported: reported ?? null });
  }
}
