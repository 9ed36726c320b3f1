import type { SqlClient } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";

/**
 * The memories read model and the projections' checkpoints.
 *
 * `search_text` is a stored generated column (docs/floors.md: several times faster than an expression
 * index). A generated column needs an IMMUTABLE expression and `array_to_string` is only STABLE, so
 * the document is built by a SQL function declared IMMUTABLE: with a fixed text search
 * configuration its result depends on its arguments alone. Title and tags weigh more than content.
 * 2026_12_02_0001 drops `search_text` and `embedding` again: search keeps tables of its own.
 */
export const createMemories = {
  name: "2026_11_26_0001_create_memories",
  async up(client: SqlClient): Promise<void> {
    await client.query(`CREATE EXTENSION IF NOT EXISTS vector`);
    await client.query(`
      CREATE OR REPLACE FUNCTION memories_search_document(title text, content text, tags text[])
      RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(content, '')), 'B')
      $$`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS memories (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        version integer NOT NULL,
        title text,
        content text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        importance real NOT NULL,
        confidence real NOT NULL,
        links jsonb NOT NULL DEFAULT '[]',
        source_url text,
        session_id text,
        attachments jsonb NOT NULL DEFAULT '[]',
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
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
