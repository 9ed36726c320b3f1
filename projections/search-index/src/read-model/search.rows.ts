import type { SqlClient, SqlPool } from "@second-brain/platform";
import {
  documentFromRecord,
  DOCUMENT_COLUMNS,
  FOLDED_MEMORY_RECORD_TYPES,
  foldedMemoryRecord,
  vectorParam,
  type DocumentRecord,
  type SearchDocument,
} from "@second-brain/read-models";

/** Moving documents between a model's table and the pure evolve; `table` is never user input. */
const COLUMNS_SQL = DOCUMENT_COLUMNS.map((c) =>
  c === "embedding" ? "embedding::text AS embedding" : c,
).join(", ");

export async function loadDocuments(
  db: Pick<SqlPool, "query">,
  table: string,
  ids: readonly string[],
): Promise<Map<string, SearchDocument>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<DocumentRecord>(
    `SELECT ${COLUMNS_SQL} FROM ${table} WHERE memory_id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((record) => [record.memory_id, documentFromRecord(record)]));
}

/**
 * Writes a batch's documents in one statement. A new row enters the vector index when its owner
 * already has (`vector_indexed` from the owner's stats); an updated row keeps its flag. The
 * vectors go as parameters of their own (`vectorParam`: binary to a PostgreSQL server), joined to
 * the rows by their place in the batch, the rest of each row as JSON.
 */
export async function upsertDocuments(
  client: Pick<SqlClient, "query">,
  target: { table: string; statsTable: string; binaryVectors: boolean },
  docs: readonly SearchDocument[],
): Promise<void> {
  if (docs.length === 0) return;
  const columns = DOCUMENT_COLUMNS.join(", ");
  const updates = DOCUMENT_COLUMNS.filter((column) => column !== "memory_id")
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(", ");
  const records = docs.map((doc, i) => ({ i: i + 1, memory_id: doc.id, ...foldedMemoryRecord(doc) }));
  const vectors = docs.map((doc) =>
    doc.embedding ? vectorParam(doc.embedding, target.binaryVectors) : null,
  );
  const places = docs.map((_, i) => `(${i + 1}, $${i + 2}::vector)`).join(", ");
  const selected = DOCUMENT_COLUMNS.map((column) =>
    column === "embedding" ? "e.embedding" : `r.${column}`,
  ).join(", ");
  await client.query(
    `INSERT INTO ${target.table} (${columns}, vector_indexed)
     SELECT ${selected}, coalesce(s.vector_indexed, false)
       FROM jsonb_to_recordset($1::text::jsonb) AS r(i int, memory_id uuid, ${FOLDED_MEMORY_RECORD_TYPES})
       JOIN (VALUES ${places}) AS e(i, embedding) ON e.i = r.i
       LEFT JOIN ${target.statsTable} s ON s.owner_id = r.owner_id
     ON CONFLICT (memory_id) DO UPDATE SET ${updates}`,
    [JSON.stringify(records), ...vectors],
  );
}

export async function deleteDocuments(
  client: SqlClient,
  table: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length > 0) await client.query(`DELETE FROM ${table} WHERE memory_id = ANY($1::uuid[])`, [ids]);
}

/** Adds `delta` documents to each owner's count (the count picks the owner's search path). */
export async function adjustOwnerCounts(
  client: SqlClient,
  statsTable: string,
  deltas: ReadonlyMap<string, number>,
): Promise<void> {
  const changed = [...deltas].filter(([, delta]) => delta !== 0);
  if (changed.length === 0) return;
  await client.query(
    `INSERT INTO ${statsTable} AS s (owner_id, documents)
     SELECT * FROM unnest($1::text[], $2::int[])
     ON CONFLICT (owner_id) DO UPDATE SET documents = GREATEST(s.documents + EXCLUDED.documents, 0)`,
    [changed.map(([owner]) => owner), changed.map(([, delta]) => delta)],
  );
}

/**
 * Puts the rows of each of `owners` that has reached `from` documents into the vector index, once:
 * the owner is flagged and stays indexed (so an owner searched through the index is always in it).
 */
export async function promoteToVectorIndex(
  client: SqlClient,
  table: string,
  statsTable: string,
  owners: readonly string[],
  from: number,
): Promise<string[]> {
  if (owners.length === 0) return [];
  const { rows } = await client.query<{ owner_id: string }>(
    `UPDATE ${statsTable} SET vector_indexed = true
      WHERE owner_id = ANY($1::text[]) AND documents >= $2 AND NOT vector_indexed RETURNING owner_id`,
    [owners, from],
  );
  const promoted = rows.map((row) => row.owner_id);
  if (promoted.length > 0) {
    // Once in an owner's life, thousands of rows enter the index in this one statement: at a
    // millisecond or two per HNSW insert that can pass the pool's statement timeout, which would
    // fail the batch again at every retry. It gets ten minutes, then the timeout is back.
    await client.query(`SET LOCAL statement_timeout = '10min'`);
    await client.query(
      `UPDATE ${table} SET vector_indexed = true WHERE owner_id = ANY($1::text[]) AND NOT vector_indexed`,
      [promoted],
    );
    await client.query(`SET LOCAL statement_timeout = DEFAULT`);
  }
  return promoted;
}

/** Crypto-shredding: once an owner's key is gone, nothing of theirs stays searchable. */
export async function purgeOwnerDocuments(
  client: Pick<SqlClient, "query">,
  table: string,
  statsTable: string,
  ownerId: string,
): Promise<number> {
  const result = await client.query(`DELETE FROM ${table} WHERE owner_id = $1`, [ownerId]);
  await client.query(`DELETE FROM ${statsTable} WHERE owner_id = $1`, [ownerId]);
  return result.rowCount ?? 0;
}
