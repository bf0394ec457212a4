import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '@postern/errors';
import { MailStore, type StoredMessage } from '@postern/mailstore';
import { findPart, mimeTree, parseHeaderFields, parseReceivedMessage, partContent } from '@postern/mime';
import type { MimePart } from '@postern/mime';
import { ReceivedSummaryDto } from '../mailboxes/dto/mailbox.dto';
import { ReceivedMessageDto, UpdateReceivedDto } from './dto/received.dto';

/** Received mail for the API, always within one account: another account's ids are not found. */
@Injectable()
export class ReceivedService {
  constructor(@Inject(MailStore) private readonly store: MailStore) {}

  async find(accountId: string, id: string): Promise<StoredMessage> {
    const message = await this.store.getMessageById(accountId, id);
    if (!message) throw notFound('received message', id);
    return message;
  }

  raw(message: StoredMessage): Promise<Buffer> {
    return this.store.readRaw(message);
  }

  async parsed(accountId: string, id: string): Promise<ReceivedMessageDto> {
    const message = await this.find(accountId, id);
    const raw = await this.store.readRaw(message);
    const mailbox = await this.store.getMailboxById(accountId, message.mailboxId);
    let fields: { name: string; value: string }[] = [];
    try {
      fields = parseHeaderFields(raw).fields;
    } catch {
      // Stored as received; a broken header section still shows what mailparser makes of it.
    }
    const first = (name: string) => fields.find((f) => f.name.toLowerCase() === name)?.value ?? null;
    const returnPath = first('return-path')?.replace(/^\s*<|>\s*$/g, '') ?? null;
    return {
      ...ReceivedSummaryDto.from(message),
      mailbox: mailbox?.name ?? '',
      returnPath,
      authenticationResults: first('authentication-results'),
      reason: first('x-postern-reason'),
      message: await parseReceivedMessage(raw, returnPath === null ? {} : { mailFrom: returnPath }),
    };
  }

  /** The decoded content of one MIME part, with the type and file name to serve it under. */
  async part(accountId: string, id: string, path: string): Promise<{ part: MimePart; content: Buffer }> {
    const message = await this.find(accountId, id);
    const raw = await this.store.readRaw(message);
    const part = findPart(mimeTree(raw), path);
    if (!part || part.contentType.startsWith('multipart/')) throw notFound('part', `${id}/${path}`);
    return { part, content: partContent(raw, part) };
  }

  async update(accountId: string, id: string, change: UpdateReceivedDto): Promise<ReceivedSummaryDto> {
    let message = await this.find(accountId, id);
    const target = { accountId, mailboxId: message.mailboxId, uids: [message.uid] };
    if (change.flags) await this.store.storeFlags({ ...target, operation: 'replace', flags: change.flags });
    if (change.addFlags?.length) await this.store.storeFlags({ ...target, operation: 'add', flags: change.addFlags });
    if (change.removeFlags?.length) await this.store.storeFlags({ ...target, operation: 'remove', flags: change.removeFlags });
    if (change.mailboxId && change.mailboxId !== message.mailboxId) {
      const to = await this.store.getMailboxById(accountId, change.mailboxId);
      if (!to) throw notFound('mailbox', change.mailboxId);
      const moved = await this.store.move({ accountId, fromMailboxId: message.mailboxId, uids: [message.uid], toMailboxId: to.id });
      const [pair] = moved.pairs;
      if (!pair) throw notFound('received message', id);
      [message] = await this.store.getMessages(to.id, [pair[1]]);
    } else {
      message = await this.find(accountId, id);
    }
    return ReceivedSummaryDto.from(message);
  }

  async remove(accountId: string, id: string): Promise<void> {
    const message = await this.find(accountId, id);
    await this.store.remove({ accountId, mailboxId: message.mailboxId, uids: [message.uid] });
  }
}
