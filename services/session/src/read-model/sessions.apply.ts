import {
  MEMORY_STREAM_PREFIX,
  SESSION_STREAM_PREFIX,
  USER_ERASED,
  type MemoryCreatedData,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields, type Keyring, type SqlClient } from "@second-brain/platform";
import { prefetchKeys, type KeyLookup } from "@second-brain/read-models";
import { sessionPersonalFields } from "../application/session-stream.ts";
import type { SessionEventEnvelope } from "../domain/session.ts";
import { evolveSessionMemory, evolveSessionRow, type MemoryEventFacts } from "./sessions.evolve.ts";
import { loadMemberships, loadSessions, purgeOwner, saveMemberships, saveSessions } from "./sessions.rows.ts";

/** Keys of the session owners in the batch, fetched before the transaction opens (see prefetchKeys). */
export function prefetchSessionKeys(keyring: Keyring, events: readonly RecordedEvent[]): Promise<KeyLookup> {
  return prefetchKeys(keyring, events, (event) => event.streamId.startsWith(SESSION_STREAM_PREFIX));
}

/**
 * Applies a batch to the sessions read model on the transaction's client, in a fixed number of
 * statements however many events it holds: the rows the batch touches are read in one statement
 * per table (locked until commit), folded in memory in log order, and written back in one
 * statement per table. Session events fold into `sessions`; memory events into `session_memories`
 * (only memories created in a session have a row). Each row keeps the stream version it reflects,
 * so applying the same events again changes nothing.
 */
export async function applySessionEvents(
  client: SqlClient,
  events: readonly RecordedEvent[],
  keyOf: KeyLookup,
): Promise<void> {
  // Owners whose rows are purged (and none of theirs written): erased, or without a key any more.
  const purged = new Set<string>();
  // What the batch says of sessions and memberships, in log order.
  const order: ({ session: SessionEventEnvelope } | { memory: MemoryEventFacts })[] = [];
  for (const recorded of events) {
    const ownerId = recorded.metadata.ownerId;
    if (recorded.type === USER_ERASED) {
      // Erasure announces itself, so an owner who never writes again is still purged.
      purged.add(ownerId);
    } else if (recorded.streamId.startsWith(SESSION_STREAM_PREFIX)) {
      const key = await keyOf(ownerId);
      // The owner was erased (crypto-shredding): nothing of theirs may stay readable.
      if (!key) {
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
      } as SessionEventEnvelope;
      order.push({ session: event });
    } else if (recorded.streamId.startsWith(MEMORY_STREAM_PREFIX)) {
      const data = recorded.data as Pick<MemoryCreatedData, "memoryId" | "sessionId">;
      // A memory created outside any session changes nothing here: not even a row is read.
      const matters =
        (recorded.type === "MemoryCreated" && typeof data.sessionId === "string") ||
        recorded.type === "MemoryDeleted";
      if (!matters) continue;
      const fact = {
        type: recorded.type,
        memoryId: data.memoryId,
        sessionId: data.sessionId ?? null,
        ownerId,
        streamVersion: recorded.streamVersion,
        occurredAt: recorded.metadata.occurredAt,
      };
      order.push({ memory: fact });
    }
  }
  const sessionIdOf = (event: SessionEventEnvelope) => (event.data as { sessionId: string }).sessionId;
  const sessions = await loadSessions(client, [
    ...new Set(order.flatMap((fact) => ("session" in fact ? [sessionIdOf(fact.session)] : []))),
  ]);
  const memberships = await loadMemberships(client, [
    ...new Set(order.flatMap((fact) => ("memory" in fact ? [fact.memory.memoryId] : []))),
  ]);
  const changedSessions = new Set<string>();
  const changedMemberships = new Set<string>();
  for (const fact of order) {
    if ("session" in fact) {
      const id = sessionIdOf(fact.session);
      const row = sessions.get(id) ?? null;
      const next = evolveSessionRow(row, fact.session);
      if (next && next !== row) {
        sessions.set(id, next);
        changedSessions.add(id);
      }
    } else {
      const row = memberships.get(fact.memory.memoryId) ?? null;
      const next = evolveSessionMemory(row, fact.memory);
      if (next && next !== row) {
        memberships.set(fact.memory.memoryId, next);
        changedMemberships.add(fact.memory.memoryId);
      }
    }
  }
  for (const ownerId of purged) await purgeOwner(client, ownerId);
  const kept = <T extends { ownerId: string }>(rows: (T | undefined)[]) =>
    rows.filter((row): row is T => row !== undefined && !purged.has(row.ownerId));
  await saveSessions(client, kept([...changedSessions].map((id) => sessions.get(id))));
  await saveMemberships(client, kept([...changedMemberships].map((id) => memberships.get(id))));
}
