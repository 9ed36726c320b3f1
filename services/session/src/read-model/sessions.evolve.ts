import type { SessionContext, SessionStatus } from "@second-brain/contracts";
import type { SessionEventEnvelope } from "../domain/session.ts";

/** One row of the `sessions` table: what `GET /sessions` lists. */
export interface SessionRow {
  id: string;
  ownerId: string;
  version: number;
  title: string | null;
  context: SessionContext;
  status: SessionStatus;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Folds a (decrypted) session event into its row. An event at or below the row's version was
 * already applied and changes nothing, so a repeated delivery is harmless.
 */
export function evolveSessionRow(row: SessionRow | null, event: SessionEventEnvelope): SessionRow | null {
  if (row && event.streamVersion <= row.version) return row;
  const at = event.metadata.occurredAt;
  if (event.type === "SessionStarted") {
    return {
      id: event.data.sessionId,
      ownerId: event.metadata.ownerId,
      version: event.streamVersion,
      title: event.data.title,
      context: event.data.context,
      status: "open",
      messageCount: 0,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (!row) return null;
  const next: SessionRow = { ...row, version: event.streamVersion, updatedAt: at };
  switch (event.type) {
    case "SessionMessageAdded":
      return { ...next, messageCount: row.messageCount + 1 };
    case "SessionUpdated":
      if (event.data.title !== undefined) next.title = event.data.title;
      if (event.data.context !== undefined) next.context = event.data.context;
      return next;
    case "SessionClosed":
      return { ...next, status: "closed" };
    case "SessionReopened":
      return { ...next, status: "open" };
    default: {
      const _unknown: never = event;
      return next;
    }
  }
}

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
