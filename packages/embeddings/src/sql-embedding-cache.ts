import type { Migration, SqlClient, SqlPool } from "@second-brain/platform";
import type { EmbeddingCache } from "./embedding-cache.ts";

export const EMBEDDING_CACHE_COMPONENT = "embedding-cache";

/**
 * The cache holds vectors of personal text. It is keyed by a hash and holds no text, but a vector
 * leaks the meaning of its text, so erasing a user must not rely on it being unreadable: the
 * erasure flow hashes the user's texts (before their key is destroyed) and calls
 * `purgeEmbeddingCache`. Vectors are `real[]`, not pgvector: nothing searches this table, and it
 * then needs no extension.
 */
export const embeddingCacheMigrations: Migration[] = [
  {
    name: "2026_11_26_0001_create_embedding_cache",
    async up(client: SqlClient): Promise<void> {
      await client.query(`
        CREATE TABLE IF NOT EXISTS embedding_cache (
          model text NOT NULL,
          text_hash bytea NOT NULL,
          vector real[] NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (model, text_hash)
        )`);
      // Erasure deletes by hash across all models.
      await client.query(
        `CREATE INDEX IF NOT EXISTS embedding_cache_text_hash ON embedding_cache (text_hash)`,
      );
    },
    async down(client: SqlClient): Promise<void> {
      await client.query(`DROP TABLE IF EXISTS embedding_cache`);
    },
  },
];

/**
 * The cache in PostgreSQL or PGlite. Hashes cross the wire as hex text and vectors as array
 * literals, so both drivers bind the same two parameters whatever the batch size.
 */
export function createSqlEmbeddingCache(pool: SqlPool): EmbeddingCache {
  return {
    async get(model, textHashes) {
      const found = new Map<string, number[]>();
      if (textHashes.length === 0) return found;
      const result = await pool.query<{ text_hash: string; vector: string }>(
        `SELECT encode(text_hash, 'hex') AS text_hash, vector::text AS vector
           FROM embedding_cache
          WHERE model = $1 AND text_hash IN (SELECT decode(h, 'hex') FROM unnest($2::text[]) AS h)`,
        [model, [...new Set(textHashes)]],
      );
      for (const row of result.rows) found.set(row.text_hash, parseRealArray(row.vector));
      return found;
    },
    async put(model, entries) {
      if (entries.length === 0) return;
      await pool.query(
        `INSERT INTO embedding_cache (model, text_hash, vector)
         SELECT $1, decode(h, 'hex'), v::real[] FROM unnest($2::text[], $3::text[]) AS t(h, v)
         ON CONFLICT (model, text_hash) DO NOTHING`,
        [
          model,
          entries.map((entry) => entry.textHash),
          entries.map((entry) => `{${entry.vector.join(",")}}`),
        ],
      );
    },
  };
}

/** Deletes the cached vectors of these texts under every model; returns how many rows went. */
export async function purgeEmbeddingCache(pool: SqlPool, textHashes: readonly string[]): Promise<number> {
  if (textHashes.length === 0) return 0;
  const result = await pool.query(
    `DELETE FROM embedding_cache WHERE text_hash IN (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h)`,
    [[...new Set(textHashes)]],
  );
  return result.rowCount ?? 0;
}

function parseRealArray(literal: string): number[] {
  const inner = literal.slice(1, -1);
  return inner === "" ? [] : inner.split(",").map((value) => Math.fround(Number(value)));
}
