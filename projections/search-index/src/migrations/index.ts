import { EMBEDDING_CACHE_COMPONENT, embeddingCacheMigrations } from "@second-brain/embeddings";
import { runMigrations, type SqlPool } from "@second-brain/platform";
import { createSearchModels } from "./2026_12_01_0001_create_search_models.ts";
import { addStatusBeforeArchive } from "./2026_12_03_0001_add_status_before_archive.ts";
import { partialVectorIndex } from "./2026_12_03_0002_partial_vector_index.ts";

export const SEARCH_MIGRATIONS = [createSearchModels, addStatusBeforeArchive, partialVectorIndex];

/** Brings the shared search schema up to date; safe to run from several processes at once. */
export async function migrateSearchIndex(pool: SqlPool): Promise<void> {
  // The component keeps the name its applied migrations were recorded under.
  await runMigrations(pool, "search-projection", SEARCH_MIGRATIONS);
  // An erasure reaching the search index deletes the owner's cached vectors too, so the table is
  // there even before the first embedding (the embeddings package owns it and its migrations).
  await runMigrations(pool, EMBEDDING_CACHE_COMPONENT, embeddingCacheMigrations);
}
