import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { MailEvent, MailEventType, OutboundMessage, QueuedRecipient, uuidv7 } from '@postern/db';

/**
 * Writes an event row in the caller's transaction. `data` is what the webhook will carry:
 * the message and recipient (none for events about the whole message), the sender's
 * metadata (extra, tags) and the outcome details.
 */
export async function recordEvent(
  tx: EntityManager,
  type: MailEventType,
  message: OutboundMessage,
  recipient: QueuedRecipient | null,
  details: Record<string, unknown>,
): Promise<void> {
  const event = tx.getRepository(MailEvent).create({
    id: uuidv7(),
    accountId: message.accountId,
    type,
    messageId: message.id,
    recipientId: recipient?.id ?? null,
    data: {
      messageId: message.id,
      ...(recipient ? { recipientId: recipient.id, recipient: recipient.address } : {}),
      from: message.fromAddress,
      subject: message.subject,
      messageIdHeader: message.messageIdHeader,
      extra: message.extra,
      tags: message.tags,
      ...details,
    },
  });
  // TypeORM's deep-partial type cannot express a free-form jsonb object; the entity is complete.
  await tx.getRepository(MailEvent).insert(event as QueryDeepPartialEntity<MailEvent>);
}
