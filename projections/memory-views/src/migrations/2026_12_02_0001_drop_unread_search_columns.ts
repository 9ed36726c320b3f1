import type { SqlClient } from "@second-brain/platform";
import { fullTextDocumentFunctionSql } from "@second-brain/read-models";

/**
 * Drops the memories table's `embedding` column (HNSW index) and `search_text` column (GIN index)
 * with the function that generated it. Search runs on its own tables, one per embedding model
 * (projections/search-index), so nothing read these: the embedding stayed null, and every write paid for a
 * tsvector and its GIN entry. Dropping a column only changes the catalogue; the table is not rewritten.
 */
export const dropUnreadSearchColumns = {
  name: "2026_12_02_0001_drop_unread_search_columns",
  async up(client: SqlClient): Promise<void> {
    await client.query(`DROP INDEX IF EXISTS memories_embedding`);
    await client.query(`DROP INDEX IF EXISTS memories_search_text`);
    await client.query(
      `ALTER TABLE memories DROP COLUMN IF EXISTS embedding, DROP COLUMN IF EXISTS search_text`,
    );
    await client.query(`DROP FUNCTION IF EXISTS memories_search_document(text, text, text[])`);
  },
  /** Puts them back as 2026_11_26_0001 made them; adding the generated column rewrites the table. */
  async down(client: SqlClient): Promise<void> {
    await client.query(fullTextDocumentFunctionSql("memories_search_document"));
    await client.query(`
      ALTER TABLE memories
        ADD COLUMN IF NOT EXISTS embedding vector(512),
        ADD COLUMN IF NOT EXISTS search_text tsvector
          GENERATED ALWAYS AS (memories_search_document(title, content, tags)) STORED`);
    await client.query(`CREATE INDEX IF NOT EXISTS memories_search_text ON memories USING gin (search_text)`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS memories_embedding ON memories USING hnsw (embedding vector_cosine_ops)`,
    );
  },
};
