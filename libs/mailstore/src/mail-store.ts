import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { deleteOrphanBlobs, uuidv7 } from '@postern/db';
import { DomainError, ErrorCode, notFound } from '@postern/errors';
import { DELETED, SEEN, applyFlagOperation, hasFlag, keywordsOf, normalizeFlags, sameFlags } from './flags';
import { isInbox, normalizeMailboxName } from './names';
import { MailboxNotifier } from './notifier';
import { MAILBOX_COLUMNS, MESSAGE_COLUMNS, MailboxRow, MessageRow, toMailbox, toMessage } from './rows';
import { summarizeMessage } from './summary';
import {
  AppendMessage,
  DEFAULT_MAILBOXES,
  FlagOperation,
  HIERARCHY_SEPARATOR,
  MailboxChangeNotice,
  MailboxChanges,
  MailboxInfo,
  SpecialUse,
  StoredMessage,
} from './types';

interface Locked {
  row: MailboxRow;
  tx: EntityManager;
}

/**
 * The one owner of mailboxes and their messages (see types.ts for the data model). Every
 * change runs in a transaction holding the mailbox row lock (`SELECT ... FOR UPDATE`), so
 * UIDs, modseqs and counters are assigned in one order per mailbox, and is announced through
 * the notifier after commit.
 */
@Injectable()
export class MailStore {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MailboxNotifier) private readonly notifier: MailboxNotifier,
  ) {}

  // ---- mailboxes ----

  /** Creates the default mailboxes the account lacks (RFC 6154 special uses). */
  async ensureDefaultMailboxes(accountId: string): Promise<MailboxInfo[]> {
    for (const { name, specialUse } of DEFAULT_MAILBOXES) {
      await this.db.query(
        `INSERT INTO mailboxes (id, account_id, name, special_use, uid_validity)
         VALUES ($1, $2, $3, $4, nextval('mailbox_uid_validity')) ON CONFLICT (account_id, name) DO NOTHING`,
        [uuidv7(), accountId, name, specialUse],
      );
    }
    return this.rawList(accountId);
  }

  /** The account's mailboxes by name; creates the defaults on first use. */
  async listMailboxes(accountId: string): Promise<MailboxInfo[]> {
    const list = await this.rawList(accountId);
    return list.some((m) => m.name === 'INBOX') ? list : this.ensureDefaultMailboxes(accountId);
  }

  private async rawList(accountId: string): Promise<MailboxInfo[]> {
    const rows: MailboxRow[] = await this.db.query(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account_id = $1 ORDER BY name`, [
      accountId,
    ]);
    return rows.map(toMailbox);
  }

  async getMailbox(accountId: string, name: string): Promise<MailboxInfo | null> {
    let normalized: string;
    try {
      normalized = normalizeMailboxName(name);
    } catch {
      return null;
    }
    const find = async () => {
      const rows: MailboxRow[] = await this.db.query(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account_id = $1 AND name = $2`, [
        accountId,
        normalized,
      ]);
      return rows[0] ? toMailbox(rows[0]) : null;
    };
    const found = await find();
    if (found || normalized !== 'INBOX') return found;
    await this.ensureDefaultMailboxes(accountId);
    return find();
  }

  async getMailboxById(accountId: string, id: string): Promise<MailboxInfo | null> {
    const rows: MailboxRow[] = await this.db.query(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account_id = $1 AND id = $2`, [
      accountId,
      id,
    ]);
    return rows[0] ? toMailbox(rows[0]) : null;
  }

  async createMailbox(accountId: string, name: string, specialUse: SpecialUse | null = null): Promise<MailboxInfo> {
    const normalized = normalizeMailboxName(name);
    const rows: MailboxRow[] = await this.db.query(
      `INSERT INTO mailboxes (id, account_id, name, special_use, uid_validity)
       VALUES ($1, $2, $3, $4, nextval('mailbox_uid_validity')) ON CONFLICT (account_id, name) DO NOTHING
       RETURNING ${MAILBOX_COLUMNS}`,
      [uuidv7(), accountId, normalized, specialUse],
    );
    if (!rows[0]) throw new DomainError(ErrorCode.MailboxExists, `mailbox '${normalized}' already exists`);
    const mailbox = toMailbox(rows[0]);
    await this.announce({ accountId, mailboxId: mailbox.id, modseq: mailbox.highestModseq.toString(), kind: 'mailboxes' });
    return mailbox;
  }

  /**
   * RFC 9051 6.3.6: renames the mailbox and every mailbox below it. Renaming INBOX moves its
   * messages to a new mailbox of that name and leaves INBOX empty.
   */
  async renameMailbox(accountId: string, from: string, to: string): Promise<void> {
    const source = normalizeMailboxName(from);
    const target = normalizeMailboxName(to);
    if (isInbox(target)) throw new DomainError(ErrorCode.MailboxExists, `mailbox 'INBOX' already exists`);
    if (source === 'INBOX') {
      const inbox = await this.requireMailbox(accountId, 'INBOX');
      const created = await this.createMailbox(accountId, target);
      const uids = (await this.listMessages(inbox.id)).map((m) => m.uid);
      if (uids.length > 0) await this.move({ accountId, fromMailboxId: inbox.id, uids, toMailboxId: created.id });
      return;
    }
    await this.db.transaction(async (tx) => {
      const existing: MailboxRow[] = await tx.query(`SELECT id FROM mailboxes WHERE account_id = $1 AND name = $2 FOR UPDATE`, [
        accountId,
        source,
      ]);
      if (!existing[0]) throw notFound('mailbox', source);
      const clash: unknown[] = await tx.query(
        `SELECT 1 FROM mailboxes WHERE account_id = $1 AND (name = $2 OR left(name, length($2) + 1) = $2 || $3)`,
        [accountId, target, HIERARCHY_SEPARATOR],
      );
      if (clash.length > 0) throw new DomainError(ErrorCode.MailboxExists, `mailbox '${target}' already exists`);
      await tx.query(
        `UPDATE mailboxes SET name = $3 || substr(name, length($2) + 1)
         WHERE account_id = $1 AND (name = $2 OR left(name, length($2) + 1) = $2 || $4)`,
        [accountId, source, target, HIERARCHY_SEPARATOR],
      );
    });
    await this.announce({ accountId, mailboxId: '', modseq: '0', kind: 'mailboxes' });
  }

  /** RFC 9051 6.3.5: deletes the mailbox and its messages; mailboxes below it stay. INBOX cannot go. */
  async deleteMailbox(accountId: string, name: string): Promise<void> {
    const normalized = normalizeMailboxName(name);
    if (normalized === 'INBOX') throw new DomainError(ErrorCode.MailboxProtected, 'INBOX cannot be deleted');
    const mailboxId = await this.db.transaction(async (tx) => {
      const rows: { id: string }[] = await tx.query(`SELECT id FROM mailboxes WHERE account_id = $1 AND name = $2 FOR UPDATE`, [
        accountId,
        normalized,
      ]);
      if (!rows[0]) throw notFound('mailbox', normalized);
      // TypeORM answers UPDATE/DELETE ... RETURNING with [rows, count].
      const [blobs]: [{ blob_id: string }[], number] = await tx.query(
        `DELETE FROM mailbox_messages WHERE mailbox_id = $1 RETURNING blob_id`,
        [rows[0].id],
      );
      await tx.query(`DELETE FROM mailboxes WHERE id = $1`, [rows[0].id]);
      await deleteOrphanBlobs(
        tx,
        blobs.map((b) => b.blob_id),
      );
      return rows[0].id;
    });
    await this.announce({ accountId, mailboxId, modseq: '0', kind: 'mailboxes' });
  }

  async setSubscribed(accountId: string, name: string, subscribed: boolean): Promise<void> {
    const normalized = normalizeMailboxName(name);
    const [, count]: [unknown, number] = await this.db.query(`UPDATE mailboxes SET subscribed = $3 WHERE account_id = $1 AND name = $2`, [
      accountId,
      normalized,
      subscribed,
    ]);
    if (count === 0) throw notFound('mailbox', normalized);
  }

  // ---- messages ----

  /**
   * Stores messages in one mailbox at once (MULTIAPPEND, RFC 3502: all or none), with
   * consecutive UIDs and one new modseq. Refuses with quota_exceeded when the account's
   * mailboxes would exceed its quota.
   */
  async append(
    accountId: string,
    mailboxId: string,
    messages: AppendMessage[],
    options: {
      /** Runs inside the store's transaction, so rows about the messages (events) commit with them or not at all. */
      withinTransaction?: (tx: EntityManager, stored: StoredMessage[]) => Promise<void>;
    } = {},
  ): Promise<{ uidValidity: number; messages: StoredMessage[] }> {
    if (messages.length === 0) throw new DomainError(ErrorCode.ValidationFailed, 'nothing to append');
    const summaries = await Promise.all(messages.map((m) => summarizeMessage(m.raw)));
    const flags = messages.map((m) => normalizeFlags(m.flags ?? []));
    const bytes = messages.reduce((sum, m) => sum + m.raw.length, 0);
    const unseen = flags.filter((f) => !hasFlag(f, SEEN)).length;
    const result = await this.db.transaction(async (tx) => {
      await checkQuota(tx, accountId, bytes);
      const locked = await lockMailbox(tx, accountId, mailboxId);
      const modseq = BigInt(locked.highest_modseq) + 1n;
      const firstUid = locked.uid_next;
      await tx.query(
        `UPDATE mailboxes SET uid_next = uid_next + $2, highest_modseq = $3, total = total + $2, unseen = unseen + $4, size = size + $5,
           keywords = ARRAY(SELECT DISTINCT k FROM unnest(keywords || $6::text[]) AS k)
         WHERE id = $1`,
        [mailboxId, messages.length, modseq.toString(), unseen, bytes, keywordsOf(flags.flat())],
      );
      const stored: StoredMessage[] = [];
      for (const [i, message] of messages.entries()) {
        const blobId = uuidv7();
        await tx.query(`INSERT INTO message_blobs (id, data, size) VALUES ($1, $2, $3)`, [blobId, message.raw, message.raw.length]);
        const s = summaries[i];
        const rows: MessageRow[] = await tx.query(
          `INSERT INTO mailbox_messages (id, account_id, mailbox_id, uid, modseq, flags, internal_date, size, subject, from_address, message_id_header, blob_id, search_headers, search_body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${MESSAGE_COLUMNS}`,
          [
            uuidv7(),
            accountId,
            mailboxId,
            firstUid + i,
            modseq.toString(),
            flags[i],
            message.internalDate ?? new Date(),
            message.raw.length,
            s.subject,
            s.from,
            s.messageIdHeader,
            blobId,
            s.searchHeaders,
            s.searchBody,
          ],
        );
        stored.push(toMessage(rows[0]));
      }
      await options.withinTransaction?.(tx, stored);
      return { uidValidity: locked.uid_validity, messages: stored, modseq };
    });
    await this.announce({ accountId, mailboxId, modseq: result.modseq.toString(), kind: 'exists' });
    return { uidValidity: result.uidValidity, messages: result.messages };
  }

  async listMessages(mailboxId: string): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await this.db.query(`SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE mailbox_id = $1 ORDER BY uid`, [
      mailboxId,
    ]);
    return rows.map(toMessage);
  }

  async getMessages(mailboxId: string, uids: number[]): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE mailbox_id = $1 AND uid = ANY($2::int[]) ORDER BY uid`,
      [mailboxId, uids],
    );
    return rows.map(toMessage);
  }

  async getMessageById(accountId: string, id: string): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await this.db.query(`SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE account_id = $1 AND id = $2`, [
      accountId,
      id,
    ]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Keyset page of a mailbox's messages, newest first (for the API). */
  async pageMessages(mailboxId: string, options: { limit: number; before?: string }): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE mailbox_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [mailboxId, options.before ?? null, options.limit],
    );
    return rows.map(toMessage);
  }

  async readRaw(message: Pick<StoredMessage, 'blobId'>): Promise<Buffer> {
    const rows: { data: Buffer }[] = await this.db.query(`SELECT data FROM message_blobs WHERE id = $1`, [message.blobId]);
    if (!rows[0]) throw notFound('message blob', message.blobId);
    return rows[0].data;
  }

  /** Bytes of several messages in one query, by blob id. */
  async readRawMany(messages: Pick<StoredMessage, 'blobId'>[]): Promise<Map<string, Buffer>> {
    const rows: { id: string; data: Buffer }[] = await this.db.query(`SELECT id, data FROM message_blobs WHERE id = ANY($1::uuid[])`, [
      messages.map((m) => m.blobId),
    ]);
    return new Map(rows.map((r) => [r.id, r.data]));
  }

  /**
   * STORE (RFC 9051 6.4.6) with UNCHANGEDSINCE (RFC 7162 3.1.3): messages whose modseq is
   * above `unchangedSince` are left alone and listed in `modifiedSinceFailed`. Only messages
   * whose flags actually change get the new modseq.
   */
  async storeFlags(options: {
    accountId: string;
    mailboxId: string;
    uids: number[];
    operation: FlagOperation;
    flags: string[];
    unchangedSince?: bigint;
  }): Promise<{ updated: StoredMessage[]; modifiedSinceFailed: number[] }> {
    const { accountId, mailboxId } = options;
    const result = await this.db.transaction(async (tx) => {
      const locked = await lockMailbox(tx, accountId, mailboxId);
      const rows: MessageRow[] = await tx.query(
        `SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE mailbox_id = $1 AND uid = ANY($2::int[]) ORDER BY uid`,
        [mailboxId, options.uids],
      );
      const failed: number[] = [];
      const changes: { id: string; flags: string[]; seenDelta: number }[] = [];
      for (const row of rows) {
        if (options.unchangedSince !== undefined && BigInt(row.modseq) > options.unchangedSince) {
          failed.push(row.uid);
          continue;
        }
        const next = applyFlagOperation(row.flags, options.operation, options.flags);
        if (sameFlags(row.flags, next)) continue;
        const seenDelta = Number(hasFlag(row.flags, SEEN)) - Number(hasFlag(next, SEEN));
        changes.push({ id: row.id, flags: next, seenDelta });
      }
      if (changes.length === 0) return { updated: [], failed, modseq: null };
      const modseq = BigInt(locked.highest_modseq) + 1n;
      const unseenDelta = changes.reduce((sum, c) => sum + c.seenDelta, 0);
      await tx.query(
        `UPDATE mailboxes SET highest_modseq = $2, unseen = unseen + $3, keywords = ARRAY(SELECT DISTINCT k FROM unnest(keywords || $4::text[]) AS k) WHERE id = $1`,
        [mailboxId, modseq.toString(), unseenDelta, keywordsOf(changes.flatMap((c) => c.flags))],
      );
      const [updated]: [MessageRow[], number] = await tx.query(
        `UPDATE mailbox_messages m SET flags = ARRAY(SELECT jsonb_array_elements_text(d.flags)), modseq = $2
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, flags jsonb) WHERE m.id = d.id
         RETURNING ${MESSAGE_COLUMNS.split(', ')
           .map((c) => `m.${c}`)
           .join(', ')}`,
        [JSON.stringify(changes.map((c) => ({ id: c.id, flags: c.flags }))), modseq.toString()],
      );
      return { updated: updated.map(toMessage).sort((a, b) => a.uid - b.uid), failed, modseq };
    });
    if (result.modseq !== null) await this.announce({ accountId, mailboxId, modseq: result.modseq.toString(), kind: 'flags' });
    return { updated: result.updated, modifiedSinceFailed: result.failed };
  }

  /** EXPUNGE / UID EXPUNGE (RFC 9051 6.4.3, RFC 4315 2.1): removes messages marked \Deleted. */
  async expunge(options: { accountId: string; mailboxId: string; uids?: number[] }): Promise<{ expunged: number[]; modseq: bigint }> {
    return this.removeWhere({ ...options, onlyDeleted: true });
  }

  /** Removes messages whatever their flags (the API's DELETE). */
  async remove(options: { accountId: string; mailboxId: string; uids: number[] }): Promise<{ expunged: number[]; modseq: bigint }> {
    return this.removeWhere({ ...options, onlyDeleted: false });
  }

  private async removeWhere(options: { accountId: string; mailboxId: string; uids?: number[]; onlyDeleted: boolean }) {
    const result = await this.db.transaction(async (tx) => {
      const locked = await lockMailbox(tx, options.accountId, options.mailboxId);
      return removeLocked({ row: locked, tx }, options);
    });
    if (result.expunged.length > 0) {
      await this.announce({
        accountId: options.accountId,
        mailboxId: options.mailboxId,
        modseq: result.modseq.toString(),
        kind: 'expunge',
      });
    }
    return result;
  }

  /** COPY (RFC 9051 6.4.7) with COPYUID pairs (RFC 4315 3): source uid → new uid, ascending. */
  async copy(options: { accountId: string; fromMailboxId: string; uids: number[]; toMailboxId: string }) {
    return this.transfer(options, false);
  }

  /** MOVE (RFC 6851): copy, then expunge the originals, in one transaction. */
  async move(options: { accountId: string; fromMailboxId: string; uids: number[]; toMailboxId: string }) {
    return this.transfer(options, true);
  }

  private async transfer(
    options: { accountId: string; fromMailboxId: string; uids: number[]; toMailboxId: string },
    removeSource: boolean,
  ): Promise<{ uidValidity: number; pairs: Array<[number, number]>; expunged: number[] }> {
    const { accountId, fromMailboxId, toMailboxId } = options;
    if (fromMailboxId === toMailboxId && removeSource)
      throw new DomainError(ErrorCode.ValidationFailed, 'cannot move messages to the mailbox they are in');
    const result = await this.db.transaction(async (tx) => {
      // Lock both rows in id order so two opposite transfers cannot deadlock.
      const ids = [...new Set([fromMailboxId, toMailboxId])].sort();
      const locked = new Map<string, MailboxRow>();
      for (const id of ids) locked.set(id, await lockMailbox(tx, accountId, id));
      const target = locked.get(toMailboxId)!;
      const rows: MessageRow[] = await tx.query(
        `SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE mailbox_id = $1 AND uid = ANY($2::int[]) ORDER BY uid`,
        [fromMailboxId, options.uids],
      );
      if (rows.length === 0) return { uidValidity: target.uid_validity, pairs: [], expunged: [], targetModseq: null, sourceModseq: null };
      const bytes = rows.reduce((sum, r) => sum + r.size, 0);
      if (!removeSource) await checkQuota(tx, accountId, bytes);
      const modseq = BigInt(target.highest_modseq) + 1n;
      const newUids = rows.map((_, i) => target.uid_next + i);
      await tx.query(
        `UPDATE mailboxes SET uid_next = uid_next + $2, highest_modseq = $3, total = total + $2, unseen = unseen + $4, size = size + $5,
           keywords = ARRAY(SELECT DISTINCT k FROM unnest(keywords || $6::text[]) AS k)
         WHERE id = $1`,
        [
          toMailboxId,
          rows.length,
          modseq.toString(),
          rows.filter((r) => !hasFlag(r.flags, SEEN)).length,
          bytes,
          keywordsOf(rows.flatMap((r) => r.flags)),
        ],
      );
      await tx.query(
        `INSERT INTO mailbox_messages (id, account_id, mailbox_id, uid, modseq, flags, internal_date, size, subject, from_address, message_id_header, blob_id, search_headers, search_body)
         SELECT n.id, m.account_id, $1, n.uid, $2, m.flags, m.internal_date, m.size, m.subject, m.from_address, m.message_id_header, m.blob_id, m.search_headers, m.search_body
         FROM unnest($3::uuid[], $4::int[], $5::int[]) AS n(id, uid, src_uid)
         JOIN mailbox_messages m ON m.mailbox_id = $6 AND m.uid = n.src_uid`,
        [toMailboxId, modseq.toString(), rows.map(() => uuidv7()), newUids, rows.map((r) => r.uid), fromMailboxId],
      );
      const pairs = rows.map((r, i): [number, number] => [r.uid, newUids[i]]);
      if (!removeSource) return { uidValidity: target.uid_validity, pairs, expunged: [], targetModseq: modseq, sourceModseq: null };
      const source = locked.get(fromMailboxId)!;
      const removed = await removeLocked({ row: source, tx }, { uids: rows.map((r) => r.uid), onlyDeleted: false });
      return { uidValidity: target.uid_validity, pairs, expunged: removed.expunged, targetModseq: modseq, sourceModseq: removed.modseq };
    });
    if (result.targetModseq !== null)
      await this.announce({ accountId, mailboxId: toMailboxId, modseq: result.targetModseq.toString(), kind: 'exists' });
    if (result.sourceModseq !== null)
      await this.announce({ accountId, mailboxId: fromMailboxId, modseq: result.sourceModseq.toString(), kind: 'expunge' });
    return { uidValidity: result.uidValidity, pairs: result.pairs, expunged: result.expunged };
  }

  /** What changed after `modseq` (RFC 7162 CHANGEDSINCE and VANISHED (EARLIER)). */
  async changesSince(mailboxId: string, modseq: bigint): Promise<MailboxChanges> {
    const [mailbox]: { highest_modseq: string }[] = await this.db.query(`SELECT highest_modseq FROM mailboxes WHERE id = $1`, [mailboxId]);
    if (!mailbox) throw notFound('mailbox', mailboxId);
    const changed: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM mailbox_messages WHERE mailbox_id = $1 AND modseq > $2 ORDER BY uid`,
      [mailboxId, modseq.toString()],
    );
    const expunged: { uid: number }[] = await this.db.query(
      `SELECT uid FROM mailbox_tombstones WHERE mailbox_id = $1 AND modseq > $2 ORDER BY uid`,
      [mailboxId, modseq.toString()],
    );
    return { highestModseq: BigInt(mailbox.highest_modseq), changed: changed.map(toMessage), expunged: expunged.map((e) => e.uid) };
  }

  /** UIDs whose decoded text contains `needle`, case-insensitively (SEARCH BODY / TEXT, RFC 9051 6.4.4). */
  async searchText(mailboxId: string, needle: string, scope: 'text' | 'body'): Promise<number[]> {
    const lower = needle.toLowerCase();
    const where = scope === 'body' ? 'strpos(search_body, $2) > 0' : '(strpos(search_body, $2) > 0 OR strpos(search_headers, $2) > 0)';
    const rows: { uid: number }[] = await this.db.query(
      `SELECT uid FROM mailbox_messages WHERE mailbox_id = $1 AND ${where} ORDER BY uid`,
      [mailboxId, lower],
    );
    return rows.map((r) => r.uid);
  }

  /** Storage use against the account's quota (RFC 9208 STORAGE, in bytes; limit 0 = none). */
  async quota(accountId: string): Promise<{ usedBytes: number; limitBytes: number; messages: number }> {
    const [row]: { quota_bytes: string; used: string; messages: string }[] = await this.db.query(
      `SELECT a.quota_bytes, coalesce(sum(m.size), 0) AS used, coalesce(sum(m.total), 0) AS messages
       FROM accounts a LEFT JOIN mailboxes m ON m.account_id = a.id WHERE a.id = $1 GROUP BY a.quota_bytes`,
      [accountId],
    );
    if (!row) throw notFound('account', accountId);
    return { usedBytes: Number(row.used), limitBytes: Number(row.quota_bytes), messages: Number(row.messages) };
  }

  private async requireMailbox(accountId: string, name: string): Promise<MailboxInfo> {
    const mailbox = await this.getMailbox(accountId, name);
    if (!mailbox) throw notFound('mailbox', name);
    return mailbox;
  }

  private async announce(notice: MailboxChangeNotice): Promise<void> {
    // The change is committed: a notice that cannot be published only delays other sessions
    // until their next command, which reads changes from the database anyway.
    await this.notifier.publish(notice).catch(() => undefined);
  }
}

async function lockMailbox(tx: EntityManager, accountId: string, mailboxId: string): Promise<MailboxRow> {
  const rows: MailboxRow[] = await tx.query(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE id = $1 AND account_id = $2 FOR UPDATE`, [
    mailboxId,
    accountId,
  ]);
  if (!rows[0]) throw notFound('mailbox', mailboxId);
  return rows[0];
}

/** Serialises the account's stores while a quota applies, so two cannot both fit the last bytes. */
async function checkQuota(tx: EntityManager, accountId: string, adding: number): Promise<void> {
  const [account]: { quota_bytes: string }[] = await tx.query(`SELECT quota_bytes FROM accounts WHERE id = $1`, [accountId]);
  if (!account) throw notFound('account', accountId);
  const limit = Number(account.quota_bytes);
  if (limit === 0) return;
  await tx.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
  const [{ used }]: { used: string }[] = await tx.query(`SELECT coalesce(sum(size), 0) AS used FROM mailboxes WHERE account_id = $1`, [
    accountId,
  ]);
  if (Number(used) + adding > limit) {
    throw new DomainError(
      ErrorCode.QuotaExceeded,
      `the account's mailboxes would exceed their quota of ${limit} bytes (${used} used, ${adding} more)`,
    );
  }
}

async function removeLocked(
  { row, tx }: Locked,
  options: { uids?: number[]; onlyDeleted: boolean },
): Promise<{ expunged: number[]; modseq: bigint }> {
  const [removed]: [{ uid: number; size: number; flags: string[]; blob_id: string }[], number] = await tx.query(
    `DELETE FROM mailbox_messages WHERE mailbox_id = $1 AND ($2::int[] IS NULL OR uid = ANY($2::int[])) AND (NOT $3 OR $4 = ANY(flags))
     RETURNING uid, size, flags, blob_id`,
    [row.id, options.uids ?? null, options.onlyDeleted, DELETED],
  );
  if (removed.length === 0) return { expunged: [], modseq: BigInt(row.highest_modseq) };
  const modseq = BigInt(row.highest_modseq) + 1n;
  const uids = removed.map((r) => r.uid).sort((a, b) => a - b);
  await tx.query(`UPDATE mailboxes SET highest_modseq = $2, total = total - $3, unseen = unseen - $4, size = size - $5 WHERE id = $1`, [
    row.id,
    modseq.toString(),
    removed.length,
    removed.filter((r) => !hasFlag(r.flags, SEEN)).length,
    removed.reduce((sum, r) => sum + r.size, 0),
  ]);
  await tx.query(`INSERT INTO mailbox_tombstones (mailbox_id, uid, modseq) SELECT $1, unnest($2::int[]), $3`, [
    row.id,
    uids,
    modseq.toString(),
  ]);
  await deleteOrphanBlobs(
    tx,
    removed.map((r) => r.blob_id),
  );
  return { expunged: uids, modseq };
}
