import {
  DEFAULT_LIMITS,
  ValidationError,
  type SessionStatus,
  type SessionSummary,
} from "@second-brain/contracts";
import type { SqlPool } from "@second-brain/platform";
import { sessionFromSql } from "./sessions.rows.ts";

export interface ListSessionsOptions {
  status?: SessionStatus;
  limit?: number;
  cursor?: string;
}

export interface SessionPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

export const DEFAULT_SESSION_LIST_LIMIT = 20;

/** The owner's sessions, newest first, a page at a time (keyset pagination on (created_at, id)). */
export async function listSessions(
  pool: SqlPool,
  ownerId: string,
  options: ListSessionsOptions,
): Promise<SessionPage> {
  const limit = Math.min(
    Math.max(options.limit ?? DEFAULT_SESSION_LIST_LIMIT, 1),
    DEFAULT_LIMITS.maxListLimit,
  );
  const params: unknown[] = [ownerId, limit + 1];
  let where = "owner_id = $1";
  if (options.status) {
    params.push(options.status);
    where += ` AND status = $${params.length}`;
  }
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    params.push(cursor.createdAt, cursor.id);
    where += ` AND (created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT id::text, owner_id, version, title, context, status, message_count, created_at, updated_at
       FROM sessions WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, limit).map(sessionFromSql);
  const last = page[page.length - 1];
  return {
    items: page.map(({ ownerId: _owner, ...summary }) => summary),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/** Ids of the owner's memories created in the session and not deleted, oldest first. */
export async function sessionMemoryIds(pool: SqlPool, ownerId: string, sessionId: string): Promise<string[]> {
  const { rows } = await pool.query<{ memory_id: string }>(
    `SELECT memory_id::text FROM session_memories
      WHERE session_id = $1 AND owner_id = $2 AND NOT deleted ORDER BY created_at, memory_id`,
    [sessionId, ownerId],
  );
  return rows.map((row) => row.memory_id);
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), "utf8").toString("base64url");
}

function decodeCursor(text: string): { createdAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2) {
      const [createdAt, id] = value as unknown[];
      if (typeof createdAt === "string" && !Number.isNaN(Date.parse(createdAt)) && typeof id === "string") {
        if (/^[0-9a-f-]{36}$/i.test(id)) return { createdAt, id };
      }
    }
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError("The cursor is not valid.", [
    { field: "cursor", message: "is not a cursor from a previous page" },
  ]);
}
