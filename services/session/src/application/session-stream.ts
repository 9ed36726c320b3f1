import {
  NotFoundError,
  SESSION_PERSONAL_FIELDS,
  sessionStreamId,
  type Caller,
  type Limits,
  type SessionEventType,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { decryptFields, type Keyring } from "@second-brain/platform";
import { foldSession, type SessionEventEnvelope, type SessionState } from "../domain/session.ts";

/** Everything the session write side needs from the outside world, passed in by the composition root. */
export interface SessionDeps {
  store: EventStore;
  keyring: Keyring;
  limits: Limits;
}

export type StoredSessionEvent = SessionEventEnvelope & { id: string };

export interface LoadedSession {
  /** The stream's events, decrypted. */
  events: StoredSessionEvent[];
  /** The stream's version (0 when it does not exist): the expected version of the next append. */
  version: number;
  state: SessionState;
}

/**
 * Reads and decrypts a session's stream for `caller`. Someone else's session, or one whose owner
 * was erased, does not exist for the caller (404, never 403, so ids cannot be probed).
 */
export async function loadSession(
  deps: SessionDeps,
  caller: Caller,
  sessionId: string,
): Promise<LoadedSession> {
  const recorded = await deps.store.readStream(sessionStreamId(sessionId));
  if (recorded.length === 0) return { events: [], version: 0, state: null };
  const ownerId = recorded[0]!.metadata.ownerId;
  if (ownerId !== caller.userId) throw new NotFoundError("Session");
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new NotFoundError("Session");
  const events = recorded.map((event) => ({
    ...event,
    data: decryptFields(event.data as object, sessionPersonalFields(event.type), key),
  })) as unknown as StoredSessionEvent[];
  return { events, version: recorded[recorded.length - 1]!.streamVersion, state: foldSession(events) };
}

export function sessionPersonalFields(type: string): readonly string[] {
  return SESSION_PERSONAL_FIELDS[type as SessionEventType] ?? [];
}
