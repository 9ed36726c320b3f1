import type { SqlClient } from "@second-brain/platform";
import { addUsage, USAGE_TABLE_DDL, usageChanges, type UsageRow } from "../read-model/memories.usage.ts";

const PAGE = 1_000;

/**
 * Each owner's usage (memories.usage.ts), counted once here from the rows already projected, page
 * by page, with the same count the projection keeps up from now on.
 */
export const createMemoriesUsage = {
  name: "2026_12_03_0002_create_memories_usage",
  async up(client: SqlClient): Promise<void> {
    await client.query(USAGE_TABLE_DDL("memories"));
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const { rows } = await client.query<{
        id: string;
        owner_id: string;
        status: UsageRow["status"];
        title: string | null;
        content: string;
        metadata: Record<string, unknown>;
      }>(
        `SELECT id::text, owner_id, status, title, content, metadata FROM memories
          WHERE id > $1::uuid ORDER BY id LIMIT ${PAGE}`,
        [after],
      );
      if (rows.length === 0) return;
      // The rows of the page as if the projection had just written them.
      const written = new Map(rows.map((row) => [row.id, { ...row, ownerId: row.owner_id }]));
      await addUsage(client, "memories", usageChanges(new Map(), written, written.keys(), new Set()));
      after = rows.at(-1)!.id;
    }
  },
  async down(client: SqlClient): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS memories_usage`);
  },
};
