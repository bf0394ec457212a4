import type { EntityManager } from 'typeorm';

/**
 * Deletes the given message blobs that nothing refers to any more: no mailbox message (IMAP
 * copies share one) and no outbound message. Callers pass the blobs of rows they just deleted.
 */
export async function deleteOrphanBlobs(tx: EntityManager, blobIds: string[]): Promise<void> {
  if (blobIds.length === 0) return;
  await tx.query(
    `DELETE FROM message_blobs b WHERE b.id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM mailbox_messages m WHERE m.blob_id = b.id)
       AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.blob_id = b.id)`,
    [[...new Set(blobIds)]],
  );
}
