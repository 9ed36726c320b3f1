import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { pglitePool, type SqlPool } from "./sql.ts";

/**
 * Opens the embedded database (data kept in `dataDir`, or in memory when it is undefined) with the
 * pgvector extension. int8 values come back as strings, as they do from `pg`, so code never has to
 * care which of the two it runs on.
 */
export async function openEmbeddedDatabase(dataDir: string | undefined): Promise<SqlPool> {
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { vector },
    parsers: { 20: (value: string) => value },
  });
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
  return pglitePool(db);
}
