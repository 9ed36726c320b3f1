import type { SqlClient } from "@second-brain/platform";

/**
 * Keeps what an archived memory returns to when restored: a restored draft is a draft again
 * (packages/contracts/src/memory-fold.ts). A row outside the archive holds its status. What a row
 * archived before this column existed returns to is in the log only: it gets "active" here, so
 * such a draft, once restored, would show as active while the memory service answers draft, until
 * the read model is rebuilt (POST /api/v1/admin/projections/memories/rebuild, docs/ARCHITECTURE.md,
 * "Upgrading"). The default makes adding the column a catalogue change only; the table is not
 * rewritten.
 */
export const addStatusBeforeArchive = {
  name: "2026_12_03_0001_add_status_before_archive",
  async up(client: SqlClient): Promise<void> {
    await client.query(
      `ALTER TABLE memories ADD COLUMN IF NOT EXISTS status_before_archive text NOT NULL DEFAULT 'active'`,
    );
    // Outside the archive the fold keeps it equal to the status; only drafts differ from the default.
    await client.query(`UPDATE memories SET status_before_archive = 'draft' WHERE status = 'draft'`);
  },
  async down(client: SqlClient): Promise<void> {
    await client.query(`ALTER TABLE memories DROP COLUMN IF EXISTS status_before_archive`);
  },
};
