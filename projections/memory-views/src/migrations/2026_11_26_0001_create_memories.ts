import type { SqlClient } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";
import { fullTextDocumentFunctionSql, MEMORY_FIELD_COLUMNS_DDL } from "@second-brain/read-models";

/**
 * The memories read model and the projections' checkpoints.
 *
 * `search_text` is a stored generated column (docs/floors.md: several times faster than an expression
 * index), built by an IMMUTABLE SQL function (see fullTextDocumentFunctionSql).
 * 2026_12_02_0001 drops `search_text` and `embedding` again: search keeps tables of its own.
 */
export const createMemories = {
  name: "2026_11_26_0001_create_memories",
  async up(client: SqlClient): Promise<void> {
    await client.query(`CREATE EXTENSION IF NOT EXISTS vector`);
    await client.query(fullTextDocumentFunctionSql("memories_search_document"));
    await client.query(`
      CREATE TABLE IF NOT EXISTS memories (
        id uuid PRIMARY KEY,
        ${MEMORY_FIELD_COLUMNS_DDL},
        embedding vector(512),
        search_text tsvector GENERATED ALWAYS AS (memories_search_document(title, content, tags)) STORED
      )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS memories_owner_list ON memories (owner_id, status, created_at, id)`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS memories_tags ON memories USING gin (tags)`);
    await client.query(`CREATE INDEX IF NOT EXISTS memories_search_text ON memories USING gin (search_text)`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS memories_embedding ON memories USING hnsw (embedding vector_cosine_ops)`,
    );
    await createCheckpointsTable(client);
  },
  async down(client: SqlClient): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS memories`);
    await client.query(`DROP FUNCTION IF EXISTS memories_search_document(text, text, text[])`);
    // projection_checkpoints is shared with other projections; their rows are theirs to drop.
    await client.query(`DELETE FROM projection_checkpoints WHERE name = 'memories'`);
  },
};
