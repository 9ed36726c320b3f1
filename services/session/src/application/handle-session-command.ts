import {
  NotFoundError,
  SESSION_EVENT_SCHEMA_VERSION,
  UnauthenticatedError,
  sessionStreamId,
  type Caller,
  type EventMetadata,
  type NewEvent,
} from "@second-brain/contracts";
import {
  commandEventIds,
  encryptFields,
  eventsUpToOwnAppend,
  retryOnVersionConflict,
} from "@second-brain/platform";
import { decideSession, type SessionCommand } from "../domain/decide.ts";
import { foldSession, type SessionFields, type SessionEventEnvelope } from "../domain/session.ts";
import { loadSession, sessionPersonalFields, type SessionDeps } from "./session-stream.ts";

/** Who asks and on behalf of which request; becomes the events' metadata. */
export interface SessionRequestInfo {
  caller: Caller;
  correlationId: string;
  commandId: string;
}

/**
 * Read the stream, decide, encrypt the personal fields, append expecting the version read (a
 * concurrent writer gets a 409 instead of a silent overwrite). Returns the session after it.
 *
 * Event ids are derived from the command id: a retry of a command whose events are already in the
 * stream appends nothing and answers as the first attempt did (ARCHITECTURE.md, invariant 9).
 * Session commands carry no expected version: an append that raced another writer's (two
 * messages at once) is decided again on the new state instead of answering 409.
 */
export async function handleSessionCommand(
  deps: SessionDeps,
  command: SessionCommand,
  info: SessionRequestInfo,
): Promise<SessionFields> {
  return retryOnVersionConflict(() => handleOnce(deps, command, info));
}

async function handleOnce(
  deps: SessionDeps,
  command: SessionCommand,
  info: SessionRequestInfo,
): Promise<SessionFields> {
  const streamId = sessionStreamId(command.data.sessionId);
  const loaded = await loadSession(deps, info.caller, command.data.sessionId);
  const earlier = eventsUpToOwnAppend(loaded.events, info.commandId, streamId);
  if (earlier) return foldSession(earlier) as SessionFields;
  const events = decideSession(command, loaded.state, deps.limits);
  if (events.length === 0) return loaded.state!;

  const ownerId = info.caller.userId;
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new UnauthenticatedError("This account no longer exists.");
  const metadata: EventMetadata = {
    actor: info.caller.userId,
    ownerId,
    correlationId: info.correlationId,
    causationId: info.commandId,
    occurredAt: command.metadata.now.toISOString(),
    schemaVersion: SESSION_EVENT_SCHEMA_VERSION,
  };
  const ids = commandEventIds(info.commandId, streamId, events.length);
  const toAppend: NewEvent[] = events.map((event, index) => ({
    id: ids[index]!,
    type: event.type,
    data: encryptFields(event.data, sessionPersonalFields(event.type), key),
    metadata,
  }));
  const result = await deps.store.appendToStream(streamId, toAppend, { expectedVersion: loaded.version });
  if (result.alreadyStored) {
    // A twin attempt of this command stored these events first: answer with what it stored.
    const stored = await loadSession(deps, info.caller, command.data.sessionId);
    return foldSession(eventsUpToOwnAppend(stored.events, info.commandId, streamId)!) as SessionFields;
  }
  const envelopes = events.map((event, index) => ({
    ...event,
    metadata,
    streamVersion: result.nextExpectedVersion - events.length + index + 1,
  })) as SessionEventEnvelope[];
  return foldSession(envelopes, loaded.state) as SessionFields;
}

/** The session as it is now, from its stream (reads its own writes). */
export async function readSession(
  deps: SessionDeps,
  caller: Caller,
  sessionId: string,
): Promise<SessionFields> {
  const { state } = await loadSession(deps, caller, sessionId);
  if (state === null) throw new NotFoundError("Session");
  return state;
}

/** Whether `sessionId` names one of the caller's sessions (used to check a memory's sessionId). */
export async function sessionExists(deps: SessionDeps, caller: Caller, sessionId: string): Promise<boolean> {
  try {
    return (await loadSession(deps, caller, sessionId)).state !== null;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
