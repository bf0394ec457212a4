import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { MessageBlob, OutboundMessage, QueuedRecipient } from '@postern/db';
import { composeDsn, generateMessageId } from '@postern/mime';
import { domainOf } from '@postern/events';
import { RecipientOutcome } from './outcome';

/** The header section of a message: everything before the first empty line. */
function headerSection(data: Buffer): Buffer {
  const end = data.indexOf('\r\n\r\n');
  return end < 0 ? data : data.subarray(0, end + 2);
}

/**
 * Queues a delivery status notification (RFC 3464) for recipients that failed. It goes to
 * the sender's own address (the From of the failed message, an address of the account), so
 * it lands in the sender's mailbox rather than back at the unique envelope sender. Its own
 * envelope sender is null (RFC 5321 4.5.5), so it can never cause another DSN.
 */
@Injectable()
export class DsnService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async queueFailure(
    tx: EntityManager,
    message: OutboundMessage,
    blob: MessageBlob,
    failed: { recipient: QueuedRecipient; outcome: RecipientOutcome }[],
  ): Promise<QueuedRecipient> {
    const host = this.config.hostname;
    const messageId = generateMessageId(host);
    const data = composeDsn({
      reportingMta: host,
      from: { address: `MAILER-DAEMON@${host}`, name: 'Mail Delivery System' },
      to: message.fromAddress,
      originalMessageId: message.messageIdHeader,
      originalEnvelopeId: message.id,
      originalHeaders: headerSection(blob.data),
      arrivalDate: message.createdAt,
      messageId,
      recipients: failed.map(({ recipient, outcome }) => ({
        address: recipient.address,
        action: 'failed' as const,
        status: outcome.enhanced ?? '5.0.0',
        remoteMta: outcome.remoteHost ?? undefined,
        diagnostic:
          outcome.code !== null ? `smtp; ${outcome.code} ${outcome.enhanced ?? ''} ${outcome.text}`.replace(/ +/g, ' ') : undefined,
        lastAttemptDate: new Date(),
      })),
    });
    const dsnBlob = tx.getRepository(MessageBlob).create({ data, size: data.length });
    await tx.getRepository(MessageBlob).insert(dsnBlob);
    const dsn = tx.getRepository(OutboundMessage).create({
      accountId: message.accountId,
      source: 'dsn',
      fromAddress: `MAILER-DAEMON@${host}`,
      mailFrom: '',
      messageIdHeader: messageId,
      subject: 'Undelivered Mail Returned to Sender',
      size: data.length,
      blobId: dsnBlob.id,
      extra: {},
      tags: ['dsn'],
      requireTls: null,
      sendAt: null,
    });
    await tx.getRepository(OutboundMessage).insert(dsn);
    const recipient = tx.getRepository(QueuedRecipient).create({
      messageId: dsn.id,
      accountId: message.accountId,
      address: message.fromAddress,
      domain: domainOf(message.fromAddress),
      status: 'queued',
      nextAttemptAt: new Date(),
    });
    await tx.getRepository(QueuedRecipient).insert(recipient);
    return recipient;
  }
}
