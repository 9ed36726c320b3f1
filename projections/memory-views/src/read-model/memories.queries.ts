import { sql } from "kysely";
import { DEFAULT_LIMITS, type Memory, type MemoryType } from "@second-brain/contracts";
import type { MemoriesDb } from "../adapters/kysely.ts";
import { MEMORY_COLUMNS, rowFromRecord, type MemoryRow } from "@second-brain/read-models";
import { toMemory } from "./memories.evolve.ts";
import { decodeCursor, encodeCursor } from "./memories.cursor.ts";

export type ListableStatus = "draft" | "active" | "archived";

export interface ListMemoriesOptions {
  tag?: string;
  type?: MemoryType;
  status?: ListableStatus;
  sessionId?: string;
  limit?: number;
  cursor?: string;
}

export interface MemoryPage {
  items: Memory[];
  nextCursor: string | null;
}

export const DEFAULT_LIST_LIMIT = 20;

/** The owner's row for this memory, deleted ones included (the caller decides what to show). */
export async function getMemoryRow(db: MemoriesDb, ownerId: string, id: string): Promise<MemoryRow | null> {
  const record = await db
    .selectFrom("memories")
    .select(MEMORY_COLUMNS)
    .where("owner_id", "=", ownerId)
    .where("id", "=", id)
    .executeTakeFirst();
  return record ? rowFromRecord(record) : null;
}

/** The memory as the caller may see it: another owner's or a deleted one is simply not there. */
export async function getMemory(db: MemoriesDb, ownerId: string, id: string): Promise<Memory | null> {
  const row = await getMemoryRow(db, ownerId, id);
  return row && row.status !== "deleted" ? toMemory(row) : null;
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while rows are added. */
export async function listMemories(
  db: MemoriesDb,
  ownerId: string,
  options: ListMemoriesOptions = {},
): Promise<MemoryPage> {
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_LIST_LIMIT, 1), DEFAULT_LIMITS.maxListLimit);
  let query = db
    .selectFrom("memories")
    .select(MEMORY_COLUMNS)
    .where("owner_id", "=", ownerId)
    .where("status", "=", options.status ?? "active");
  if (options.type) query = query.where("type", "=", options.type);
  if (options.sessionId) query = query.where("session_id", "=", options.sessionId);
  if (options.tag) query = query.where(sql<boolean>`tags @> ARRAY[${options.tag}]::text[]`);
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    query = query.where(
      sql<boolean>`(created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const records = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const items = records.slice(0, limit).map((record) => toMemory(rowFromRecord(record)));
  const last = items[items.length - 1];
  const nextCursor =
    records.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}
