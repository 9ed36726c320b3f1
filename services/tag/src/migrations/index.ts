import { runMigrations, type Migration, type SqlPool } from "@second-brain/platform";
import { createTags } from "./2026_11_26_0001_create_tags.ts";

export const TAGS_MIGRATIONS: Migration[] = [createTags];

/** Brings the read model's schema up to date; safe to run from several processes at once. */
export async function migrateTagsReadModel(pool: SqlPool): Promise<void> {
  await runMigrations(pool, "tags-read-model", TAGS_MIGRATIONS);
}
