import type { Migration, SqlClient, SqlPool } from "@second-brain/platform";
import type { EmbeddingCache } from "./embedding-cache.ts";

export const EMBEDDING_CACHE_COMPONENT = "embedding-cache";

/**
 * The cache holds vectors of personal text. It is keyed by a hash and holds no text, but a vector
 * leaks the meaning of its text, so each row belongs to its owner and an erasure deletes the
 * owner's rows (`purgeOwnerEmbeddings`, run by the search index when the erasure reaches it).
 * Vectors are packed float32s (bytea, big-endian as `float4send` writes them), not pgvector:
 * nothing searches this table, and it then needs no extension.
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

/** The table as 2026_12_03_0001 made it, one row per owner and text, before vectors were packed. */
const PER_OWNER_TABLE_WITH_REAL_ARRAYS = `
  CREATE TABLE embedding_cache (
    model text NOT NULL,
    owner_id text NOT NULL,
    text_hash bytea NOT NULL,
    vector real[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, model, text_hash)
  )`;

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
      await client.query(PER_OWNER_TABLE_WITH_REAL_ARRAYS);
    },
    async down(client: SqlClient): Promise<void> {
      await client.query(`DROP TABLE IF EXISTS embedding_cache`);
      await createSharedTable(client);
    },
  },
  {
    // A `real[]` crosses the wire as text: PostgreSQL parsed 512 numbers for every cached vector
    // (0.3-0.5 ms a row, the costliest part of a create's INSERT after the search document) and the
    // reader printed and parsed them again. Packed float32s are copied, not parsed.
    name: "2026_12_03_0002_embedding_cache_packed_vectors",
    async up(client: SqlClient): Promise<void> {
      await client.query(`ALTER TABLE embedding_cache ADD COLUMN packed bytea`);
      await client.query(`
        UPDATE embedding_cache SET packed = coalesce(
          (SELECT string_agg(float4send(x), ''::bytea ORDER BY i) FROM unnest(vector) WITH ORDINALITY AS u(x, i)),
          ''::bytea)`);
      await client.query(`ALTER TABLE embedding_cache DROP COLUMN vector`);
      await client.query(`ALTER TABLE embedding_cache RENAME COLUMN packed TO vector`);
      await client.query(`ALTER TABLE embedding_cache ALTER COLUMN vector SET NOT NULL`);
    },
    // SQL cannot turn the bytes back into numbers (float4recv is internal): going back, the cache
    // starts empty in its earlier shape, as it did when rows became per owner.
    async down(client: SqlClient): Promise<void> {
      await client.query(`DROP TABLE IF EXISTS embedding_cache`);
      await client.query(PER_OWNER_TABLE_WITH_REAL_ARRAYS);
    },
  },
];

/**
 * The cache in PostgreSQL or PGlite. Hashes and packed vectors are written as hex text, so both
 * drivers bind the same two array parameters whatever the batch size; vectors come back as bytea,
 * which both drivers hand over as bytes.
 */
export function createSqlEmbeddingCache(pool: SqlPool): EmbeddingCache {
  return {
    async get(model, ownerId, textHashes) {
      const found = new Map<string, number[]>();
      if (textHashes.length === 0) return found;
      const result = await pool.query<{ text_hash: string; vector: Uint8Array }>(
        `SELECT encode(text_hash, 'hex') AS text_hash, vector
           FROM embedding_cache
          WHERE owner_id = $1 AND model = $2
            AND text_hash IN (SELECT decode(h, 'hex') FROM unnest($3::text[]) AS h)`,
        [ownerId, model, [...new Set(textHashes)]],
      );
      for (const row of result.rows) found.set(row.text_hash, unpackVector(row.vector));
      return found;
    },
    async put(model, ownerId, entries) {
      if (entries.length === 0) return;
      await pool.query(
        `INSERT INTO embedding_cache (owner_id, model, text_hash, vector)
         SELECT $1, $2, decode(h, 'hex'), decode(v, 'hex') FROM unnest($3::text[], $4::text[]) AS t(h, v)
         ON CONFLICT (owner_id, model, text_hash) DO NOTHING`,
        [
          ownerId,
          model,
          entries.map((entry) => entry.textHash),
          entries.map((entry) => packVector(entry.vector).toString("hex")),
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

/** float32s, big-endian: the bytes `float4send` gives for each element of a `real[]`. */
export function packVector(vector: readonly number[]): Buffer {
  const packed = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) packed.writeFloatBE(vector[i]!, i * 4);
  return packed;
}

export function unpackVector(packed: Uint8Array): number[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const vector = new Array<number>(packed.byteLength >> 2);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, false);
  return vector;
}
