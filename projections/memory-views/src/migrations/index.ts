import { runMigrations, type SqlPool } from "@second-brain/platform";
import { createMemories } from "./2026_11_26_0001_create_memories.ts";
import { dropUnreadSearchColumns } from "./2026_12_02_0001_drop_unread_search_columns.ts";
import { addStatusBeforeArchive } from "./2026_12_03_0001_add_status_before_archive.ts";
import { createMemoriesUsage } from "./2026_12_03_0002_create_memories_usage.ts";

export const MEMORIES_MIGRATIONS = [
  createMemories,
  dropUnreadSearchColumns,
  addStatusBeforeArchive,
  createMemoriesUsage,
];

/** Brings the read model's schema up to date; safe to run from several processes at once. */
export async function migrateMemoryViews(pool: SqlPool): Promise<void> {
  // The component keeps the name its applied migrations were recorded under.
  await runMigrations(pool, "memories-projection", MEMORIES_MIGRATIONS);
}
