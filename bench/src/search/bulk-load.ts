import { randomUUID } from "node:crypto";
import pg from "pg";
import { VECTOR_INDEX_FROM_DOCUMENTS } from "@second-brain/read-models";
import { synthesizeDocument, type Random } from "./corpus.ts";

/**
 * Bulk-loads synthetic rows straight into the search read model (the active model's documents
 * table and its owner counts), the way a restore or a rebuild would fill it: the secondary indexes
 * are dropped first and rebuilt after the load (docs/floors.md: inserting into an HNSW-indexed table is
 * ~4x slower than loading and then building), and the build time is measured.
 */
export interface LoadTarget {
  databaseUrl: string;
  table: string;
  statsTable: string;
}

export interface OwnerRows {
  ownerId: string;
  rows: number;
}

export interface LoadTimings {
  loadMs: number;
  /** Index name → build time. */
  indexBuildMs: Map<string, number>;
}

const BATCH = 500;
/** Rebuilt after the load: HNSW, full-text GIN and tags GIN; the btree on the owner stays. */
const REBUILT_SUFFIXES = ["_embedding", "_text", "_tags"];

export async function bulkLoad(
  target: LoadTarget,
  owners: readonly OwnerRows[],
  centroids: readonly (readonly number[])[],
  words: readonly string[],
  random: Random,
  progress: (message: string) => void,
): Promise<LoadTimings> {
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND indexname = ANY($2::text[])`,
      [target.table, REBUILT_SUFFIXES.map((suffix) => `${target.table}${suffix}`)],
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);

    const total = owners.reduce((sum, owner) => sum + owner.rows, 0);
    const started = performance.now();
    let loaded = 0;
    let nextReport = 0;
    for (const owner of owners) {
      for (let done = 0; done < owner.rows; done += BATCH) {
        const size = Math.min(BATCH, owner.rows - done);
        await insertBatch(client, target.table, owner, size, centroids, words, random);
        loaded += size;
        if (loaded >= nextReport) {
          progress(`loading rows: ${loaded} / ${total}`);
          nextReport += Math.max(BATCH, Math.round(total / 10));
        }
      }
    }
    await client.query(
      `INSERT INTO ${target.statsTable} AS s (owner_id, documents, vector_indexed)
       SELECT * FROM unnest($1::text[], $2::int[], $3::boolean[])
       ON CONFLICT (owner_id) DO UPDATE SET documents = s.documents + EXCLUDED.documents,
                                            vector_indexed = EXCLUDED.vector_indexed`,
      [owners.map((o) => o.ownerId), owners.map((o) => o.rows), owners.map(inVectorIndex)],
    );
    const loadMs = performance.now() - started;

    // docs/floors.md: 24 s for 100k × 512 with 1 GB and 2 workers, 47 s with none.
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(`SET max_parallel_maintenance_workers = 2`);
    const indexBuildMs = new Map<string, number>();
    for (const index of indexes) {
      progress(`building index ${index.indexname}`);
      const begun = performance.now();
      await client.query(index.indexdef);
      indexBuildMs.set(index.indexname, performance.now() - begun);
    }
    await client.query(`ANALYZE ${target.table}`);
    await client.query(`ANALYZE ${target.statsTable}`);
    return { loadMs, indexBuildMs };
  } finally {
    await client.end();
  }
}

/** As the search projection flags them: owners from VECTOR_INDEX_FROM_DOCUMENTS on are in the index. */
const inVectorIndex = (owner: OwnerRows): boolean => owner.rows >= VECTOR_INDEX_FROM_DOCUMENTS;

async function insertBatch(
  client: pg.Client,
  table: string,
  owner: OwnerRows,
  size: number,
  centroids: readonly (readonly number[])[],
  words: readonly string[],
  random: Random,
): Promise<void> {
  const docs = Array.from({ length: size }, () => synthesizeDocument(centroids, words, random));
  await client.query(
    `INSERT INTO ${table} (memory_id, owner_id, version, title, content, type, status, tags,
                           importance, confidence, created_at, updated_at, embedding, vector_indexed)
     SELECT u.id, $1, 1, u.title, u.content, 'semantic', 'active', string_to_array(u.tags, ','),
            0.5, 0.8, u.created_at, u.created_at, u.embedding::vector, $8
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
          AS u(id, title, content, tags, created_at, embedding)`,
    [
      owner.ownerId,
      docs.map(() => randomUUID()),
      docs.map((d) => d.title),
      docs.map((d) => d.content),
      docs.map((d) => d.tags.join(",")),
      docs.map((d) => d.createdAt),
      docs.map((d) => d.embedding),
      inVectorIndex(owner),
    ],
  );
}
