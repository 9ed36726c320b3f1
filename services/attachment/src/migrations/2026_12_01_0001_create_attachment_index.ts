import type { Migration } from "@second-brain/platform";

export const createAttachmentIndex: Migration = {
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
};
