import type { EntityManager } from 'typeorm';
import { SuppressionReason, uuidv7 } from '@postern/db';
import { parseAddress, parseDomain } from '@postern/domains';

/**
 * Suppression and first-time-recipient lookups match addresses case-insensitively and
 * without the `+tag` part, so `Bob+news@Example.org` and `bob@example.org` are one person.
 */
export function addressKey(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${domain}`;
}

/** The key that suppresses a whole domain. */
export function domainKey(domain: string): string {
  return `*@${domain.toLowerCase()}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Like addressKey, but validates: an address or `*@domain`, else throws (user input). */
export function suppressionKey(input: string): string {
  const trimmed = input.trim();
  if (trimmed.startsWith('*@')) return domainKey(parseDomain(trimmed.slice(2)).ascii);
  const parsed = parseAddress(trimmed);
  return addressKey(`${parsed.localpart}@${parsed.domain.ascii}`);
}

/**
 * Adds an entry unless the key is already listed; answers whether it was added. The one
 * place suppressions are written: manual entries, hard bounces, repeated failures, complaints.
 */
export async function insertSuppression(
  db: Pick<EntityManager, 'query'>,
  entry: { accountId: string; address: string; key: string; reason: SuppressionReason; smtpReply?: string | null; expiresAt?: Date | null },
): Promise<string | null> {
  const id = uuidv7();
  const rows = await db.query<{ id: string }[]>(
    `INSERT INTO suppressions (id, account_id, address_key, address, reason, smtp_reply, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (account_id, address_key) DO NOTHING RETURNING id`,
    [id, entry.accountId, entry.key, entry.address, entry.reason, entry.smtpReply ?? null, entry.expiresAt ?? null],
  );
  return rows.length > 0 ? id : null;
}
