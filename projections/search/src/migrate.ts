import { runMigrations, type SqlPool } from "@second-brain/platform";
import { createSearchModels } from "../migrations/2026_12_01_0001_create_search_models.ts";

export const SEARCH_MIGRATIONS = [createSearchModels];

/** Brings the shared search schema up to date; safe to run from several processes at once. */
export async function migrateSearchProjection(pool: SqlPool): Promise<void> {
  await runMigrations(pool, "search-projection", SEARCH_MIGRATIONS);
}
