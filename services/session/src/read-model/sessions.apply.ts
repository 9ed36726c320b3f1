import {
  MEMORY_STREAM_PREFIX,
  SESSION_STREAM_PREFIX,
  USER_ERASED,
  type MemoryCreatedData,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields, type Keyring, type SqlClient } from "@second-brain/platform";
import { isoOf, prefetchKeys, type KeyLookup } from "@second-brain/read-models";
import { sessionPersonalFields } from "../application/session-stream.ts";
import type { SessionEventEnvelope } from "../domain/session.ts";
import {
  evolveSessionMemory,
  evolveSessionRow,
  type SessionMemoryRow,
  type SessionRow,
} from "./sessions.evolve.ts";

/** Keys of the session owners in the batch, fetched before the transaction opens (see prefetchKeys). */
export function prefetchSessionKeys(keyring: Keyring, events: readonly RecordedEvent[]): Promise<KeyLookup> {
  return prefetchKeys(keyring, events, (event) => event.streamId.startsWith(SESSION_STREAM_PREFIX));
}

/**
 * Applies a batch to the sessions read model on the transaction's client. Session events fold
 * into `sessions`; memory events into `session_memories`. Each row keeps the stream version it
 * reflects, so applying the same events again changes nothing.
 */
export async function applySessionEvents(
  client: SqlClient,
  events: readonly RecordedEvent[],
  keyOf: KeyLookup,
): Promise<void> {
  const purged = new Set<string>();
  for (const recorded of events) {
    if (recorded.type === USER_ERASED) {
      // Erasure announces itself, so an owner who never writes again is still purged.
      const ownerId = recorded.metadata.ownerId;
      if (!purged.has(ownerId)) await purgeOwner(client, ownerId);
      purged.add(ownerId);
      continue;
    }
    if (recorded.streamId.startsWith(SESSION_STREAM_PREFIX)) {
      const ownerId = recorded.metadata.ownerId;
      const key = await keyOf(ownerId);
      if (!key) {
        // The owner was erased (crypto-shredding): nothing of theirs may stay readable.
        if (!purged.has(ownerId)) await purgeOwner(client, ownerId);
        purged.add(ownerId);
        continue;
      }
      const data = decryptFields(
        recorded.data as object,
        sessionPersonalFields(recorded.type),
        key,
        recorded,
      );
      const event = {
        type: recorded.type,
        data,
        streamVersion: recorded.streamVersion,
        metadata: recorded.metadata,
      };
      const row = await loadSession(client, (data as { sessionId: string }).sessionId);
      const next = evolveSessionRow(row, event as SessionEventEnvelope);
      if (next && next !== row) await saveSession(client, next);
    } else if (recorded.streamId.startsWith(MEMORY_STREAM_PREFIX)) {
      if (recorded.type !== "MemoryCreated" && recorded.type !== "MemoryDeleted") continue;
      const data = recorded.data as Pick<MemoryCreatedData, "memoryId" | "sessionId">;
      const row = await loadMembership(client, data.memoryId);
      const next = evolveSessionMemory(row, {
        type: recorded.type,
        memoryId: data.memoryId,
        sessionId: data.sessionId ?? null,
        ownerId: recorded.metadata.ownerId,
        streamVersion: recorded.streamVersion,
        occurredAt: recorded.metadata.occurredAt,
      });
      if (next && next !== row) await saveMembership(client, next);
    }
  }
}

async function loadSession(client: SqlClient, id: string): Promise<SessionRow | null> {
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT id::text, owner_id, version, title, context, status, message_count, created_at, updated_at
       FROM sessions WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ? sessionFromSql(rows[0]) : null;
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

async function saveSession(client: SqlClient, row: SessionRow): Promise<void> {
  await client.query(
    `INSERT INTO sessions (id, owner_id, version, title, context, status, message_count, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, title = EXCLUDED.title,
       context = EXCLUDED.context, status = EXCLUDED.status, message_count = EXCLUDED.message_count,
       updated_at = EXCLUDED.updated_at`,
    [
      row.id,
      row.ownerId,
      row.version,
      row.title,
      JSON.stringify(row.context),
      row.status,
      row.messageCount,
      row.createdAt,
      row.updatedAt,
    ],
  );
}

async function loadMembership(client: SqlClient, memoryId: string): Promise<SessionMemoryRow | null> {
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT memory_id::text, session_id::text, owner_id, version, deleted, created_at
       FROM session_memories WHERE memory_id = $1 FOR UPDATE`,
    [memoryId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    memoryId: row.memory_id as string,
    sessionId: row.session_id as string,
    ownerId: row.owner_id as string,
    version: row.version as number,
    deleted: row.deleted as boolean,
    createdAt: isoOf(row.created_at as string),
  };
}

async function saveMembership(client: SqlClient, row: SessionMemoryRow): Promise<void> {
  await client.query(
    `INSERT INTO session_memories (memory_id, session_id, owner_id, version, deleted, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (memory_id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted`,
    [row.memoryId, row.sessionId, row.ownerId, row.version, row.deleted, row.createdAt],
  );
}

async function purgeOwner(client: SqlClient, ownerId: string): Promise<void> {
  await client.query("DELETE FROM sessions WHERE owner_id = $1", [ownerId]);
  await client.query("DELETE FROM session_memories WHERE owner_id = $1", [ownerId]);
}
