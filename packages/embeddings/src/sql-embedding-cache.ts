import { joinedVector, type Migration, type SqlClient, type SqlPool } from "@second-brain/platform";
import type { EmbeddingCache } from "./embedding-cache.ts";

export const EMBEDDING_CACHE_COMPONENT = "embedding-cache";

/**
 * The cache holds vectors of personal text. It is keyed by a hash and holds no text, but a vector
 * leaks the meaning of its text, so each row belongs to its owner and an erasure deletes the
 * owner's rows (`purgeOwnerEmbeddings`, run by the search index when the erasure reaches it).
 * Vectors are `real[]`, not pgvector: nothing searches this table, and it then needs no extension.
 */
/** The first table: one row per (model, text), shared by every user. */
async function createSharedTable(client: SqlClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS embedding_cache (
      model text NOT NULL,
      text_hash bytea NOT NULL,
      vector real[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (model, text_hash)
    )`);
  await client.query(`CREATE INDEX IF NOT EXISTS embedding_cache_text_hash ON embedding_cache (text_hash)`);
}

export const embeddingCacheMigrations: Migration[] = [
  {
    name: "2026_11_26_0001_create_embedding_cache",
    up: createSharedTable,
    async down(client: SqlClient): Promise<void> {
      await client.query(`DROP TABLE IF EXISTS embedding_cache`);
    },
  },
  {
    // Rows shared by every user let one user's timing reveal another's text and outlived erasure.
    // Nothing in the old table says whose text it was, and it is only a cache: it starts empty.
    name: "2026_12_03_0001_embedding_cache_per_owner",
    async up(client: SqlClient): Promise<void> {
      await client.query(`DROP TABLE IF EXISTS embedding_cache`);
      await client.query(`
        CREATE TABLE embedding_cache (
          model text NOT NULL,
          owner_id text NOT NULL,
          text_hash bytea NOT NULL,
          vector real[] NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (owner_id, model, text_hash)
        )`);
    },
    async down(client: SqlClient): Promise<void> {
      await client.query(`DROP TABLE IF EXISTS embedding_cache`);
      await createSharedTable(client);
    },
  },
];

/**
 * The cache in PostgreSQL or PGlite. Hashes cross the wire as hex text and vectors as array
 * literals, so both drivers bind the same two parameters whatever the batch size.
 */
export function createSqlEmbeddingCache(pool: SqlPool): EmbeddingCache {
  return {
    async get(model, ownerId, textHashes) {
      const found = new Map<string, number[]>();
      if (textHashes.length === 0) return found;
      const result = await pool.query<{ text_hash: string; vector: string }>(
        `SELECT encode(text_hash, 'hex') AS text_hash, vector::text AS vector
           FROM embedding_cache
          WHERE owner_id = $1 AND model = $2
            AND text_hash IN (SELECT decode(h, 'hex') FROM unnest($3::text[]) AS h)`,
        [ownerId, model, [...new Set(textHashes)]],
      );
      for (const row of result.rows) found.set(row.text_hash, parseRealArray(row.vector));
      return found;
    },
    async put(model, ownerId, entries) {
      if (entries.length === 0) return;
      await pool.query(
        `INSERT INTO embedding_cache (owner_id, model, text_hash, vector)
         SELECT $1, $2, decode(h, 'hex'), v::real[] FROM unnest($3::text[], $4::text[]) AS t(h, v)
         ON CONFLICT (owner_id, model, text_hash) DO NOTHING`,
        [
          ownerId,
          model,
          entries.map((entry) => entry.textHash),
          entries.map((entry) => `{${joinedVector(entry.vector)}}`),
        ],
      );
    },
  };
}

/** Deletes an erased owner's cached vectors under every model; returns how many rows went. */
export async function purgeOwnerEmbeddings(
  client: Pick<SqlClient, "query">,
  ownerId: string,
): Promise<number> {
  const result = await client.query(`DELETE FROM embedding_cache WHERE owner_id = $1`, [ownerId]);
  return result.rowCount ?? 0;
}

function parseRealArray(literal: string): number[] {
  const inner = literal.slice(1, -1);
  return inner === "" ? [] : inner.split(",").map((value) => Math.fround(Number(value)));
}
