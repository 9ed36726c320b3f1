import type { SqlClient } from "@second-brain/platform";
import { documentsTable, MEMORY_FIELD_COLUMNS_DDL, ownerStatsTable } from "@second-brain/read-models";

/**
 * The search read model's per-model tables. Their names and columns are the contract the search
 * service reads by (@second-brain/read-models); creating them is the projection's own business.
 */

/**
 * One table per model. `search_text` is a stored generated tsvector (docs/floors.md: a stored column
 * with GIN is ~3× faster at p50 and ~9× at p99 than an expression index), title and tags weigh A,
 * content B. The row carries every field of the Memory DTO so that results need no second read
 * model: what search ranks is exactly what it returns. HNSW is m 16, ef_construction 64, the
 * parameters docs/floors.md measured.
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
      search_text tsvector GENERATED ALWAYS AS (search_document(title, content, tags)) STORED
    )`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_owner ON ${table} (owner_id, status, created_at)`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_text ON ${table} USING gin (search_text)`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_tags ON ${table} USING gin (tags)`);
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${table}_embedding ON ${table}
     USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
  );
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${stats} (
      owner_id text PRIMARY KEY,
      documents integer NOT NULL
    )`);
}
