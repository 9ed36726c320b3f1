import type { SqlPool } from "@second-brain/platform";

export interface IndexedAttachment {
  attachmentId: string;
  ownerId: string;
  memoryId: string;
  sha256: string;
  objectKey: string;
  /** Bytes, counted against the owner's attachmentBytes quota while the attachment lives. */
  size: number;
}

/**
 * The attachment service's own read model, rebuilt from the log at any time: which attachments of
 * which owner are live, under which object and hash. It answers "does this owner already store
 * these bytes?" (dedupe) and "does anything still use this object?" (safe delete).
 */
export function attachmentIndex(pool: SqlPool) {
  return {
    /**
     * Idempotent: the upload path and the log subscriber both record each attachment. Recording
     * one again fills in its size (rows from before sizes were kept have 0).
     */
    async recordAdded(row: IndexedAttachment): Promise<void> {
      await pool.query(
        `INSERT INTO attachment_index (attachment_id, owner_id, memory_id, sha256, object_key, size)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (attachment_id) DO UPDATE SET size = EXCLUDED.size`,
        [row.attachmentId, row.ownerId, row.memoryId, row.sha256, row.objectKey, row.size],
      );
    },
    /** The bytes of the owner's live attachments (a file attached twice counts twice). */
    async liveBytesOf(ownerId: string): Promise<number> {
      const { rows } = await pool.query<{ bytes: string }>(
        `SELECT coalesce(sum(size), 0)::text AS bytes FROM attachment_index WHERE owner_id = $1 AND NOT deleted`,
        [ownerId],
      );
      return Number(rows[0]?.bytes ?? 0);
    },
    /** Marks it deleted; answers the object key when no live attachment uses that object any more. */
    async recordDeleted(attachmentId: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ object_key: string; in_use: boolean }>(
        `WITH gone AS (
           UPDATE attachment_index SET deleted = true WHERE attachment_id = $1 RETURNING object_key
         )
         SELECT gone.object_key,
                EXISTS (SELECT 1 FROM attachment_index other
                        WHERE other.object_key = gone.object_key AND NOT other.deleted
                          AND other.attachment_id <> $1) AS in_use
         FROM gone`,
        [attachmentId],
      );
      const row = rows[0];
      return row && !row.in_use ? row.object_key : undefined;
    },
    async objectWithHash(ownerId: string, sha256: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ object_key: string }>(
        `SELECT object_key FROM attachment_index WHERE owner_id = $1 AND sha256 = $2 AND NOT deleted LIMIT 1`,
        [ownerId, sha256],
      );
      return rows[0]?.object_key;
    },
    /** Forgets every attachment of an erased owner. */
    async purgeOwner(ownerId: string): Promise<void> {
      await pool.query(`DELETE FROM attachment_index WHERE owner_id = $1`, [ownerId]);
    },
    async liveOfMemory(ownerId: string, memoryId: string): Promise<string[]> {
      const { rows } = await pool.query<{ attachment_id: string }>(
        `SELECT attachment_id FROM attachment_index WHERE owner_id = $1 AND memory_id = $2 AND NOT deleted`,
        [ownerId, memoryId],
      );
      return rows.map((row) => row.attachment_id);
    },
  };
}

export type AttachmentIndex = ReturnType<typeof attachmentIndex>;
