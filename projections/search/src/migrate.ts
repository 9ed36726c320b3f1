import { runMigrations, type SqlPool } from "@second-brain/platform";
import { createSearchModels } from "../migrations/2026_12_01_0001_create_search_models.ts";
import { addStatusBeforeArchive } from "../migrations/2026_12_03_0001_add_status_before_archive.ts";

export const SEARCH_MIGRATIONS = [createSearchModels, addStatusBeforeArchive];

/** Brings the shared search schema up to date; safe to run from several processes at once. */
export async function migrateSearchProjection(pool: SqlPool): Promise<void> {
  await runMigrations(pool, "search-projection", SEARCH_MIGRATIONS);
}
