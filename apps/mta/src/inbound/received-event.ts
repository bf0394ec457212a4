import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { MailEvent, uuidv7 } from '@postern/db';
import type { StoredMessage } from '@postern/mailstore';
import type { ParsedReceivedMessage } from '@postern/mime';
import type { AuthSummary } from './authentication';

export interface ReceivedEventInput {
  accountId: string;
  message: StoredMessage;
  mailboxName: string;
  mailFrom: string;
  recipients: string[];
  parsed: ParsedReceivedMessage;
  auth: AuthSummary;
  junk: boolean;
  reason: string;
}

/**
 * The `message.received` event: what the webhook carries about a message stored in a
 * mailbox. `messageId` is the received message's id (`/v1/received/{id}`); `from`, `subject`
 * and `messageIdHeader` sit where the other events have them.
 */
export async function recordReceived(tx: EntityManager, input: ReceivedEventInput): Promise<void> {
  const { parsed, auth } = input;
  const event = tx.getRepository(MailEvent).create({
    id: uuidv7(),
    accountId: input.accountId,
    type: 'message.received',
    messageId: input.message.id,
    recipientId: null,
    data: {
      messageId: input.message.id,
      mailboxId: input.message.mailboxId,
      mailbox: input.mailboxName,
      uid: input.message.uid,
      size: input.message.size,
      from: parsed.from[0]?.address ?? '',
      subject: parsed.subject,
      messageIdHeader: parsed.messageIdHeader,
      envelope: { mailFrom: input.mailFrom, recipients: input.recipients },
      received: parsed,
      authentication: {
        spf: auth.spf,
        dkim: auth.dkim,
        dmarc: auth.dmarc,
        arc: auth.arc,
      },
      automated: parsed.automated,
      junk: input.junk,
      reason: input.reason,
    },
  });
  // TypeORM's deep-partial type cannot express a free-form jsonb object; the entity is complete.
  await tx.getRepository(MailEvent).insert(event as QueryDeepPartialEntity<MailEvent>);
}
