import type { SqlClient } from "@second-brain/platform";
import { isoOf } from "@second-brain/read-models";
import type { SessionMemoryRow, SessionRow } from "./sessions.evolve.ts";

/**
 * Moving the sessions read model's rows between the database and the pure evolve
 * (sessions.evolve.ts): each table's rows of a batch are read in one statement, locked until the
 * batch commits, and written back in one statement.
 */
export async function loadSessions(
  client: SqlClient,
  ids: readonly string[],
): Promise<Map<string, SessionRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT id::text, owner_id, version, title, context, status, message_count, created_at, updated_at
       FROM sessions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id as string, sessionFromSql(row)]));
}

export function sessionFromSql(row: Record<string, unknown>): SessionRow {
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    version: row.version as number,
    title: row.title as string | null,
    context: row.context as Record<string, unknown>,
    status: row.status as SessionRow["status"],
    messageCount: row.message_count as number,
    createdAt: isoOf(row.created_at as string),
    updatedAt: isoOf(row.updated_at as string),
  };
}

export async function saveSessions(client: SqlClient, rows: readonly SessionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO sessions (id, owner_id, version, title, context, status, message_count, created_at, updated_at)
     SELECT id, owner_id, version, title, context, status, message_count, created_at, updated_at
       FROM jsonb_to_recordset($1::text::jsonb) AS r(id uuid, owner_id text, version int, title text,
            context jsonb, status text, message_count int, created_at timestamptz, updated_at timestamptz)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, title = EXCLUDED.title,
       context = EXCLUDED.context, status = EXCLUDED.status, message_count = EXCLUDED.message_count,
       updated_at = EXCLUDED.updated_at`,
    [
      JSON.stringify(
        rows.map((row) => ({
          id: row.id,
          owner_id: row.ownerId,
          version: row.version,
          title: row.title,
          context: row.context,
          status: row.status,
          message_count: row.messageCount,
          created_at: row.createdAt,
          updated_at: row.updatedAt,
        })),
      ),
    ],
  );
}

export async function loadMemberships(
  client: SqlClient,
  memoryIds: readonly string[],
): Promise<Map<string, SessionMemoryRow>> {
  if (memoryIds.length === 0) return new Map();
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT memory_id::text, session_id::text, owner_id, version, deleted, created_at
       FROM session_memories WHERE memory_id = ANY($1::uuid[]) ORDER BY memory_id FOR UPDATE`,
    [memoryIds],
  );
  return new Map(
    rows.map((row) => [
      row.memory_id as string,
      {
        memoryId: row.memory_id as string,
        sessionId: row.session_id as string,
        ownerId: row.owner_id as string,
        version: row.version as number,
        deleted: row.deleted as boolean,
        createdAt: isoOf(row.created_at as string),
      },
    ]),
  );
}

export async function saveMemberships(client: SqlClient, rows: readonly SessionMemoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO session_memories (memory_id, session_id, owner_id, version, deleted, created_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::boolean[], $6::timestamptz[])
     ON CONFLICT (memory_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted`,
    [
      rows.map((row) => row.memoryId),
      rows.map((row) => row.sessionId),
      rows.map((row) => row.ownerId),
      rows.map((row) => row.version),
      rows.map((row) => row.deleted),
      rows.map((row) => row.createdAt),
    ],
  );
}

export async function purgeOwner(client: SqlClient, ownerId: string): Promise<void> {
  await client.query("DELETE FROM sessions WHERE owner_id = $1", [ownerId]);
  await client.query("DELETE FROM session_memories WHERE owner_id = $1", [ownerId]);
}
