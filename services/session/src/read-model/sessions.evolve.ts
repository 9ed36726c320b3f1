import { sessionEvolver, type SessionSummary } from "@second-brain/contracts";

/** One row of the `sessions` table: what `GET /sessions` lists. */
export type SessionRow = SessionSummary & { ownerId: string };

/**
 * Folds a (decrypted) session event into its row with the shared session fold
 * (packages/contracts/src/session-fold.ts), counting the messages instead of keeping them. An event
 * at or below the row's version was already applied and changes nothing, so a repeated delivery is
 * harmless.
 */
export const evolveSessionRow = sessionEvolver<SessionRow>({
  start: (header) => ({ ...header, messageCount: 0 }),
  add: (row) => ({ ...row, messageCount: row.messageCount + 1 }),
});

/** A memory's membership in a session, learned from memory events (never from the memories table). */
export interface SessionMemoryRow {
  memoryId: string;
  sessionId: string;
  ownerId: string;
  /** Stream version of the last memory event applied. */
  version: number;
  deleted: boolean;
  /** When the memory was created: the order of `memoryIds`. */
  createdAt: string;
}

/** What the membership needs of a memory event (the ids are not encrypted). */
export interface MemoryEventFacts {
  type: string;
  memoryId: string;
  sessionId: string | null;
  ownerId: string;
  streamVersion: number;
  occurredAt: string;
}

/**
 * Only a creation with a sessionId and a deletion matter. The row is a tombstone after the
 * deletion, so a late duplicate of the creation cannot bring the memory back into the session.
 */
export function evolveSessionMemory(
  row: SessionMemoryRow | null,
  event: MemoryEventFacts,
): SessionMemoryRow | null {
  if (row && event.streamVersion <= row.version) return row;
  if (event.type === "MemoryCreated") {
    if (row || event.sessionId === null) return row;
    return {
      memoryId: event.memoryId,
      sessionId: event.sessionId,
      ownerId: event.ownerId,
      version: event.streamVersion,
      deleted: false,
      createdAt: event.occurredAt,
    };
  }
  if (event.type === "MemoryDeleted" && row) return { ...row, version: event.streamVersion, deleted: true };
  return row;
}
