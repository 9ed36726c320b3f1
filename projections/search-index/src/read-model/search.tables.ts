import type { SqlClient } from "@second-brain/platform";
import {
  documentsTable,
  MEMORY_FIELD_COLUMNS_DDL,
  ownerStatsTable,
  SEARCH_MODELS_TABLE,
} from "@second-brain/read-models";

/**
 * The search read model's per-model tables. Their names and columns are the contract the search
 * service reads by (@second-brain/read-models); creating them is the projection's own business.
 */

/**
 * One table per model. `search_text` is a stored generated tsvector (docs/floors.md: a stored column
 * with GIN is ~3× faster at p50 and ~9× at p99 than an expression index), title and tags weigh A,
 * content B. The row carries every field of the Memory DTO so that results need no second read
 * model: what search ranks is exactly what it returns. HNSW is m 16, ef_construction 64, the
 * parameters docs/floors.md measured, and holds only the rows of owners large enough to be searched
 * through it (`vector_indexed`, set by the projection: VECTOR_INDEX_FROM_DOCUMENTS).
 */
export async function createDocumentsTable(
  client: Pick<SqlClient, "query">,
  model: string,
  dimensions: number,
): Promise<void> {
  const table = documentsTable(model);
  const stats = ownerStatsTable(model);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${table} (
      memory_id uuid PRIMARY KEY,
      ${MEMORY_FIELD_COLUMNS_DDL},
      status_before_archive text NOT NULL DEFAULT 'active',
      embedding vector(${Math.trunc(dimensions)}),
      vector_indexed boolean NOT NULL DEFAULT false,
      search_text tsvector GENERATED ALWAYS AS (search_document(title, content, tags)) STORED
    )`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_owner ON ${table} (owner_id, status, created_at)`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_text ON ${table} USING gin (search_text)`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_tags ON ${table} USING gin (tags)`);
  await client.query(vectorIndexSql(table));
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${stats} (
      owner_id text PRIMARY KEY,
      documents integer NOT NULL,
      vector_indexed boolean NOT NULL DEFAULT false
    )`);
}

/** The HNSW index, partial: rows of owners searched through it, none of the others. */
export function vectorIndexSql(table: string): string {
  return `CREATE INDEX IF NOT EXISTS ${table}_embedding ON ${table}
          USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)
          WHERE vector_indexed`;
}

/** Every registered model whose documents table exists (for migrations that change them all). */
export async function modelsWithTables(client: Pick<SqlClient, "query">): Promise<string[]> {
  const { rows } = await client.query<{ model: string }>(`SELECT model FROM ${SEARCH_MODELS_TABLE}`);
  const models: string[] = [];
  for (const { model } of rows) {
    const found = await client.query<{ name: string | null }>(`SELECT to_regclass($1)::text AS name`, [
      documentsTable(model),
    ]);
    if (found.rows[0]?.name) models.push(model);
  }
  return models;
}
