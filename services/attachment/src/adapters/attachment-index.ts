import { createCheckpointsTable } from "@second-brain/projection";
import type { Migration, SqlPool } from "@second-brain/platform";

/**
 * The attachment service's own read model, rebuilt from the log at any time: which attachments of
 * which owner are live, under which object and hash. It answers "does this owner already store
 * these bytes?" (dedupe) and "does anything still use this object?" (safe delete).
 */
export const attachmentIndexMigrations: Migration[] = [
  {
    name: "2026_12_01_0001_create_attachment_index",
    up: async (client) => {
      // One statement per query: PGlite's extended protocol takes no statement lists.
      for (const statement of [
        `CREATE TABLE attachment_index (
           attachment_id text PRIMARY KEY,
           owner_id text NOT NULL,
           memory_id text NOT NULL,
           sha256 text NOT NULL,
           object_key text NOT NULL,
           deleted boolean NOT NULL DEFAULT false
         )`,
        "CREATE INDEX attachment_index_by_hash ON attachment_index (owner_id, sha256) WHERE NOT deleted",
        "CREATE INDEX attachment_index_by_memory ON attachment_index (memory_id) WHERE NOT deleted",
        "CREATE INDEX attachment_index_by_object ON attachment_index (object_key) WHERE NOT deleted",
        "CREATE TABLE attachment_checkpoints (name text PRIMARY KEY, position text NOT NULL)",
      ])
        await client.query(statement);
    },
    down: async (client) => {
      await client.query("DROP TABLE attachment_index");
      await client.query("DROP TABLE attachment_checkpoints");
    },
  },
  {
    // The log follower moved onto the shared projection consumer and its checkpoints table.
    name: "2026_12_02_0001_use_projection_checkpoints",
    up: async (client) => {
      await createCheckpointsTable(client);
      await client.query("DROP TABLE attachment_checkpoints");
    },
    down: async (client) => {
      await client.query(
        "CREATE TABLE attachment_checkpoints (name text PRIMARY KEY, position text NOT NULL)",
      );
    },
  },
];

export interface IndexedAttachment {
  attachmentId: string;
  ownerId: string;
  memoryId: string;
  sha256: string;
  objectKey: string;
}

export function attachmentIndex(pool: SqlPool) {
  return {
    /** Idempotent: the upload path and the log subscriber both record each attachment. */
    async recordAdded(row: IndexedAttachment): Promise<void> {
      await pool.query(
        `INSERT INTO attachment_index (attachment_id, owner_id, memory_id, sha256, object_key)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (attachment_id) DO NOTHING`,
        [row.attachmentId, row.ownerId, row.memoryId, row.sha256, row.objectKey],
      );
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
