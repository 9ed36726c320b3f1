import { Kysely, PostgresDialect } from "kysely";
import type { SqlPool } from "@second-brain/platform";
import type { MemoriesDatabase } from "../read-model/memories.table.ts";

export type MemoriesDb = Kysely<MemoriesDatabase>;

/**
 * Kysely over the shared SqlPool (a `pg` pool or PGlite). The pool belongs to whoever opened it:
 * `db.destroy()` would end it for every other user, so the dialect gets a view whose `end` does nothing.
 */
export function createMemoriesDb(pool: SqlPool): MemoriesDb {
  const borrowed = { connect: () => pool.connect(), end: async () => undefined };
  return new Kysely<MemoriesDatabase>({ dialect: new PostgresDialect({ pool: borrowed as never }) });
}
