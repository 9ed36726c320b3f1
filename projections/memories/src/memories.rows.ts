import type { SqlClient } from "@second-brain/platform";
import type { MemoryRow } from "./memories.evolve.ts";
import type { MemoryRecord } from "./memories.table.ts";

/**
 * Moving rows between the database and the pure evolve: one place knows the column names, so the
 * live projection, the rebuild and the queries all read and write rows the same way.
 */
const COLUMNS = [
  "id",
  "owner_id",
  "version",
  "title",
  "content",
  "type",
  "status",
  "tags",
  "importance",
  "confidence",
  "links",
  "source_url",
  "session_id",
  "attachments",
  "metadata",
  "created_at",
  "updated_at",
] as const;

export const MEMORY_COLUMNS_SQL = COLUMNS.join(", ");

type StoredRecord = Omit<MemoryRecord, "embedding" | "search_text">;

export function rowFromRecord(record: StoredRecord): MemoryRow {
  return {
    id: record.id,
    ownerId: record.owner_id,
    version: Number(record.version),
    title: record.title,
    content: record.content,
    type: record.type,
    status: record.status,
    tags: record.tags,
    importance: Number(record.importance),
    confidence: Number(record.confidence),
    links: record.links,
    sourceUrl: record.source_url,
    sessionId: record.session_id,
    attachments: record.attachments,
    metadata: record.metadata,
    createdAt: isoOf(record.created_at),
    updatedAt: isoOf(record.updated_at),
  };
}

function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** `table` is never user input: it is the live table or a rebuild table this package named. */
export async function loadRowForUpdate(
  client: SqlClient,
  table: string,
  id: string,
): Promise<MemoryRow | null> {
  const { rows } = await client.query<StoredRecord>(
    `SELECT ${MEMORY_COLUMNS_SQL} FROM ${table} WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ? rowFromRecord(rows[0]) : null;
}

export async function upsertRow(client: SqlClient, table: string, row: MemoryRow): Promise<void> {
  const updates = COLUMNS.filter((column) => column !== "id")
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(", ");
  await client.query(
    `INSERT INTO ${table} (${MEMORY_COLUMNS_SQL})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11::jsonb, $12, $13, $14::jsonb, $15::jsonb, $16, $17)
     ON CONFLICT (id) DO UPDATE SET ${updates}`,
    [
      row.id,
      row.ownerId,
      row.version,
      row.title,
      row.content,
      row.type,
      row.status,
      row.tags,
      row.importance,
      row.confidence,
      JSON.stringify(row.links),
      row.sourceUrl,
      row.sessionId,
      JSON.stringify(row.attachments),
      JSON.stringify(row.metadata),
      row.createdAt,
      row.updatedAt,
    ],
  );
}

export async function deleteRow(client: SqlClient, table: string, id: string): Promise<void> {
  await client.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
}

/** Crypto-shredding: once an owner's key is gone, nothing of theirs stays in the read model. */
export async function purgeOwner(
  client: Pick<SqlClient, "query">,
  table: string,
  ownerId: string,
): Promise<number> {
  const result = await client.query(`DELETE FROM ${table} WHERE owner_id = $1`, [ownerId]);
  return result.rowCount ?? 0;
}
