import type { SqlClient } from "@second-brain/platform";
import { documentsTable } from "@second-brain/read-models";
import { modelsWithTables } from "../read-model/search.tables.ts";

/**
 * Keeps what an archived memory returns to when restored, in every model's documents table: a
 * restored draft is a draft again (packages/contracts/src/memory-fold.ts). A row outside the archive
 * holds its status; a row archived before this column existed gets "active", which is wrong for
 * an archived draft until the model's documents are rebuilt from the log (docs/ARCHITECTURE.md,
 * "Upgrading"). Tables of models registered later are created with
 * the column (read-model/search.tables.ts).
 */
export const addStatusBeforeArchive = {
  name: "2026_12_03_0001_add_status_before_archive",
  async up(client: SqlClient): Promise<void> {
    for (const table of (await modelsWithTables(client)).map(documentsTable)) {
      await client.query(
        `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS status_before_archive text NOT NULL DEFAULT 'active'`,
      );
      await client.query(`UPDATE ${table} SET status_before_archive = 'draft' WHERE status = 'draft'`);
    }
  },
  async down(client: SqlClient): Promise<void> {
    for (const table of (await modelsWithTables(client)).map(documentsTable)) {
      await client.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS status_before_archive`);
    }
  },
};
