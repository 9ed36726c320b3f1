import { runMigrations, type Migration, type SqlPool } from "@second-brain/platform";
import { createSessions } from "./2026_11_26_0001_create_sessions.ts";

export const SESSIONS_MIGRATIONS: Migration[] = [createSessions];

/** Brings the read model's schema up to date; safe to run from several processes at once. */
export async function migrateSessionsReadModel(pool: SqlPool): Promise<void> {
  await runMigrations(pool, "sessions-read-model", SESSIONS_MIGRATIONS);
}
