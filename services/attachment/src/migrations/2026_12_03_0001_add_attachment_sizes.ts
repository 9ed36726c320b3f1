import type { Migration } from "@second-brain/platform";

/**
 * Each attachment's size, for the attachmentBytes quota (API.md, Quotas). Sizes are in the log
 * only, so the log follower starts over from the beginning once: replaying is idempotent
 * (follow-log.ts), and recording an attachment again fills in its size.
 */
export const addAttachmentSizes: Migration = {
  name: "2026_12_03_0001_add_attachment_sizes",
  up: async (client) => {
    await client.query(
      "ALTER TABLE attachment_index ADD COLUMN IF NOT EXISTS size bigint NOT NULL DEFAULT 0",
    );
    await client.query(
      "CREATE INDEX attachment_index_by_owner ON attachment_index (owner_id) WHERE NOT deleted",
    );
    await client.query(
      `UPDATE projection_checkpoints SET position = '0/0' WHERE name = 'attachment-service'`,
    );
  },
  down: async (client) => {
    await client.query("DROP INDEX IF EXISTS attachment_index_by_owner");
    await client.query("ALTER TABLE attachment_index DROP COLUMN IF EXISTS size");
  },
};
