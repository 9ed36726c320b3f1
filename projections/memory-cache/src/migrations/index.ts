import { runMigrations, type SqlPool } from "@second-brain/platform";
import { createProjectionCheckpoints } from "./2026_11_26_0001_create_projection_checkpoints.ts";

export const CACHE_MIGRATIONS = [createProjectionCheckpoints];

/** Brings the cache projection's schema (its checkpoint) up to date; safe to run from several processes at once. */
export async function migrateMemoryCache(pool: SqlPool): Promise<void> {
  // The component keeps the name its applied migrations were recorded under.
  await runMigrations(pool, "cache-projection", CACHE_MIGRATIONS);
}
