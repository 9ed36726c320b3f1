import type { SqlClient, SqlPool } from "@second-brain/platform";
import {
  documentFromRecord,
  DOCUMENT_COLUMNS,
  vectorLiteral,
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

export async function upsertDocument(client: SqlClient, table: string, doc: SearchDocument): Promise<void> {
  const updates = DOCUMENT_COLUMNS.filter((column) => column !== "memory_id")
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(", ");
  await client.query(
    `INSERT INTO ${table} (${DOCUMENT_COLUMNS.join(", ")})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12::jsonb, $13, $14, $15::jsonb,
             $16::jsonb, $17, $18, $19::vector)
     ON CONFLICT (memory_id) DO UPDATE SET ${updates}`,
    [
      doc.id,
      doc.ownerId,
      doc.version,
      doc.title,
      doc.content,
      doc.type,
      doc.status,
      doc.statusBeforeArchive,
      doc.tags,
      doc.importance,
      doc.confidence,
      JSON.stringify(doc.links),
      doc.sourceUrl,
      doc.sessionId,
      JSON.stringify(doc.attachments),
      JSON.stringify(doc.metadata),
      doc.createdAt,
      doc.updatedAt,
      doc.embedding ? vectorLiteral(doc.embedding) : null,
    ],
  );
}

export async function deleteDocument(client: SqlClient, table: string, id: string): Promise<void> {
  await client.query(`DELETE FROM ${table} WHERE memory_id = $1`, [id]);
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
