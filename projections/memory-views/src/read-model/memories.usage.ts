import { storedBytesOf, type MemoryUsage } from "@second-brain/contracts";
import type { SqlClient, SqlPool } from "@second-brain/platform";
import type { MemoryRow } from "@second-brain/read-models";

/**
 * Each owner's count of live memories and their stored bytes (API.md, Quotas), kept next to the
 * memories table in the same batch transaction that writes its rows, so a quota check reads one
 * row instead of counting all of an owner's memories. A rebuild keeps a copy next to its copy of
 * the table and swaps both in together.
 */

/** The usage table that goes with a memories table (the live one or a rebuild's copy). */
export const usageTableOf = (table: string): string => `${table}_usage`;

export const USAGE_TABLE_DDL = (table: string) =>
  `CREATE TABLE IF NOT EXISTS ${usageTableOf(table)} (
     owner_id text PRIMARY KEY,
     memories bigint NOT NULL DEFAULT 0,
     stored_bytes bigint NOT NULL DEFAULT 0
   )`;

/** What of a row the usage counts. */
export type UsageRow = Pick<MemoryRow, "ownerId" | "status" | "title" | "content" | "metadata">;

/** What a row counts: a live memory and its bytes; a tombstone (deleted) or no row, nothing. */
function usageOfRow(row: UsageRow | undefined) {
  return row && row.status !== "deleted" ? { memories: 1, storedBytes: storedBytesOf(row) } : null;
}

/**
 * Per owner, what a batch changed: each of `ids` as it was before the batch against as it is
 * after (absent after: removed). Owners in `skip` (erased in the batch) are left out.
 */
export function usageChanges(
  before: ReadonlyMap<string, UsageRow>,
  after: ReadonlyMap<string, UsageRow>,
  ids: Iterable<string>,
  skip: ReadonlySet<string>,
): Map<string, MemoryUsage> {
  const changes = new Map<string, MemoryUsage>();
  const add = (row: UsageRow | undefined, sign: 1 | -1) => {
    const counted = usageOfRow(row);
    if (!row || !counted || skip.has(row.ownerId)) return;
    const change = changes.get(row.ownerId) ?? { memories: 0, storedBytes: 0 };
    change.memories += sign * counted.memories;
    change.storedBytes += sign * counted.storedBytes;
    changes.set(row.ownerId, change);
  };
  for (const id of ids) {
    add(before.get(id), -1);
    add(after.get(id), 1);
  }
  for (const [owner, change] of changes) {
    if (change.memories === 0 && change.storedBytes === 0) changes.delete(owner);
  }
  return changes;
}

/** Adds each owner's change to their usage row, in one statement. */
export async function addUsage(
  client: Pick<SqlClient, "query">,
  table: string,
  changes: ReadonlyMap<string, MemoryUsage>,
): Promise<void> {
  if (changes.size === 0) return;
  const owners = [...changes.keys()];
  const usage = usageTableOf(table);
  await client.query(
    `INSERT INTO ${usage} (owner_id, memories, stored_bytes)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
     ON CONFLICT (owner_id) DO UPDATE SET
       memories = ${usage}.memories + EXCLUDED.memories,
       stored_bytes = ${usage}.stored_bytes + EXCLUDED.stored_bytes`,
    [owners, owners.map((o) => changes.get(o)!.memories), owners.map((o) => changes.get(o)!.storedBytes)],
  );
}

export async function purgeUsage(client: Pick<SqlClient, "query">, table: string, ownerId: string) {
  await client.query(`DELETE FROM ${usageTableOf(table)} WHERE owner_id = $1`, [ownerId]);
}

/** The owner's usage; nothing counted yet is zero. */
export async function readUsage(pool: SqlPool, table: string, ownerId: string): Promise<MemoryUsage> {
  const { rows } = await pool.query<{ memories: string; stored_bytes: string }>(
    `SELECT memories::text, stored_bytes::text FROM ${usageTableOf(table)} WHERE owner_id = $1`,
    [ownerId],
  );
  const row = rows[0];
  return { memories: Number(row?.memories ?? 0), storedBytes: Number(row?.stored_bytes ?? 0) };
}
