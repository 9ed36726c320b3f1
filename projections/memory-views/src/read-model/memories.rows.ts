import type { SqlClient } from "@second-brain/platform";
import {
  FOLDED_MEMORY_RECORD_TYPES,
  foldedMemoryRecord,
  MEMORY_COLUMNS,
  rowFromRecord,
  type MemoryRecord,
  type MemoryRow,
} from "@second-brain/read-models";
import { MEMORIES_TABLE } from "./memories.table.ts";

/**
 * Moving rows between the database and the pure evolve: the columns and their reading are shared
 * with the search read model (@second-brain/read-models), so the live projection, the rebuild and
 * the queries all read and write rows the same way.
 */
export const MEMORY_COLUMNS_SQL = MEMORY_COLUMNS.join(", ");

/** The batch's rows in one round trip, locked until the batch commits. `table` is never user input. */
export async function loadRowsForUpdate(
  client: SqlClient,
  table: string,
  ids: readonly string[],
): Promise<Map<string, MemoryRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<MemoryRecord>(
    `SELECT ${MEMORY_COLUMNS_SQL} FROM ${table} WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((record) => [record.id, rowFromRecord(record)]));
}

/** Writes many rows in one statement: a batch costs the same round trips however many it holds. */
export async function upsertRows(
  client: SqlClient,
  table: string,
  rows: readonly MemoryRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const updates = MEMORY_COLUMNS.filter((column) => column !== "id")
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(", ");
  const records = rows.map((row) => ({ id: row.id, ...foldedMemoryRecord(row) }));
  await client.query(
    `INSERT INTO ${table} (${MEMORY_COLUMNS_SQL})
     SELECT ${MEMORY_COLUMNS_SQL} FROM jsonb_to_recordset($1::text::jsonb) AS r(id uuid, ${FOLDED_MEMORY_RECORD_TYPES})
     ON CONFLICT (id) DO UPDATE SET ${updates}`,
    [JSON.stringify(records)],
  );
}

export async function deleteRows(client: SqlClient, table: string, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await client.query(`DELETE FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
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

/**
 * Purges an erased owner from every rebuild copy of the memories table besides `table`: one left
 * by a process killed mid-rebuild is never swapped in nor dropped, and must not keep their rows.
 * (A rebuild still running purges its copy itself when it replays the erasure.)
 */
export async function purgeOwnerFromRebuildCopies(
  client: Pick<SqlClient, "query">,
  table: string,
  ownerId: string,
): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename LIKE $1 AND tablename <> $2`,
    [`${MEMORIES_TABLE}\\_rebuild\\_%`, table],
  );
  for (const { name } of rows) await purgeOwner(client, name, ownerId);
}
