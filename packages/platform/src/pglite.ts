import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { access } from "node:fs/promises";
import path from "node:path";
import { emptyDatabaseTemplate, type TemplateOptions } from "./pglite-template.ts";
import { openPGliteThread } from "./pglite-thread.ts";
import { pglitePool, type SqlPool } from "./sql.ts";

/**
 * Opens the embedded database (data kept in `dataDir`, or in memory when it is undefined) with the
 * pgvector extension, on a thread of its own (pglite-thread.ts), behind the same pool shape as
 * PostgreSQL's.
 */
export async function openEmbeddedDatabase(
  dataDir: string | undefined,
  options: TemplateOptions = {},
): Promise<SqlPool> {
  return pglitePool(await openPGliteThread(dataDir, options));
}

/**
 * PGlite itself, opened on the calling thread. int8 values come back as strings, as they do from
 * `pg`, so code never has to care which of the two it runs on. A new database starts from a copy
 * of an empty one (pglite-template.ts) rather than running `initdb` here.
 */
export async function openPGlite(
  dataDir: string | undefined,
  options: TemplateOptions = {},
): Promise<PGlite> {
  const template = (await databaseExists(dataDir)) ? undefined : await emptyDatabaseTemplate(options);
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
    extensions: { vector },
    parsers: { 20: (value: string) => value },
  });
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
  return db;
}

async function databaseExists(dataDir: string | undefined): Promise<boolean> {
  if (!dataDir) return false;
  return access(path.join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}
