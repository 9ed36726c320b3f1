import {
  MEMORY_EVENT_SCHEMA_VERSION,
  UnauthenticatedError,
  VersionConflictError,
  type EventMetadata,
  type Memory,
  type MemoryEvent,
  type NewEvent,
} from "@second-brain/contracts";
import {
  commandEventIds,
  encryptFields,
  eventsUpToOwnAppend,
  retryOnVersionConflict,
} from "@second-brain/platform";
import { decide, type MemoryCommand } from "../domain/decide.ts";
import { foldMemory, toMemory, type MemoryFields } from "../domain/memory.ts";
import type { MemoryDeps, RequestInfo } from "./deps.ts";
import { asMemoryEvents, loadMemory, personalFieldsOf, type LoadedMemory } from "./memory-stream.ts";

export interface HandleOptions extends RequestInfo {
  /** The version from If-Match; when given, a memory at any other version is a 409. */
  expectedVersion?: number;
  /** Ids for the new events; by default derived from the command id (`commandEventIds`). */
  eventIds?: string[];
}

/**
 * The write path: read the stream, decrypt, fold, check owner and If-Match, decide, encrypt, and
 * append expecting exactly the version read, so two concurrent writers conflict (409) instead of
 * one silently overwriting the other. Returns the memory as it is after the command.
 *
 * A command whose events are already in the stream (a broker retry or redelivery, or a client
 * retry under the same Idempotency-Key, after a first attempt that was stored) appends nothing and
 * answers as the first attempt did: the memory as it stood right after those events.
 *
 * Without If-Match a concurrent append is not a conflict: the command is decided again on the
 * stream as it now is (retryOnVersionConflict).
 */
export async function handleCommand(
  deps: MemoryDeps,
  streamId: string,
  command: MemoryCommand,
  options: HandleOptions,
): Promise<Memory> {
  if (options.expectedVersion !== undefined) return handleOnce(deps, streamId, command, options);
  return retryOnVersionConflict(() => handleOnce(deps, streamId, command, options));
}

async function handleOnce(
  deps: MemoryDeps,
  streamId: string,
  command: MemoryCommand,
  options: HandleOptions,
): Promise<Memory> {
  const loaded = await loadMemory(deps, options.caller, command.data.memoryId);
  if (loaded.streamId !== streamId)
    throw new Error(`Command for ${command.data.memoryId} sent to ${streamId}.`);
  const earlier = eventsUpToOwnAppend(loaded.events, options.commandId, streamId);
  if (earlier) return toMemory(foldMemory(asMemoryEvents(earlier)) as MemoryFields);
  checkExpectedVersion(loaded, options.expectedVersion);
  return applyCommand(deps, loaded, command, options);
}

/** Decides on a loaded stream and appends at its version; the caller has checked everything else. */
export async function applyCommand(
  deps: MemoryDeps,
  loaded: LoadedMemory,
  command: MemoryCommand,
  options: HandleOptions,
): Promise<Memory> {
  const events = decide(command, loaded.state, deps.limits);
  if (events.length === 0) return toMemory(loaded.state!);

  const ownerId = options.caller.userId;
  const key = await deps.keyring.getKey(ownerId);
  // Identity creates the key at registration; it vanishes only when the owner is erased, and
  // nothing new is written for an erased owner.
  if (key === undefined) throw new UnauthenticatedError("This account no longer exists.");

  const metadata: EventMetadata = {
    actor: options.caller.userId,
    ownerId,
    correlationId: options.correlationId,
    causationId: options.commandId,
    occurredAt: command.metadata.now.toISOString(),
    schemaVersion: MEMORY_EVENT_SCHEMA_VERSION,
  };
  const ids = options.eventIds ?? commandEventIds(options.commandId, loaded.streamId, events.length);
  const toAppend: NewEvent[] = events.map((event, index) => ({
    id: ids[index]!,
    type: event.type,
    data: encryptFields(event.data, personalFieldsOf(event.type), key),
    metadata,
  }));
  // Twin attempts of one command that both read the same version append the same ids there: the
  // store keeps the first, and the second answers with what the first stored.
  const result = await deps.store.appendToStream(loaded.streamId, toAppend, {
    expectedVersion: loaded.version,
  });
  if (result.alreadyStored)
    return storedAnswer(deps, options, command.data.memoryId, ids[events.length - 1]!);

  const next = foldMemory(
    events.map((event: MemoryEvent, index) => ({
      ...event,
      metadata,
      streamVersion: result.nextExpectedVersion - events.length + index + 1,
    })),
    loaded.state,
  );
  return toMemory(next as MemoryFields);
}

/** The memory as it stood right after the stored event `lastEventId` (an earlier attempt's). */
async function storedAnswer(
  deps: MemoryDeps,
  options: HandleOptions,
  memoryId: string,
  lastEventId: string,
): Promise<Memory> {
  const { events } = await loadMemory(deps, options.caller, memoryId);
  const end = events.findIndex((event) => event.id.toLowerCase() === lastEventId.toLowerCase()) + 1;
  if (end === 0) throw new Error(`Event ${lastEventId} was stored but cannot be read back.`);
  return toMemory(foldMemory(asMemoryEvents(events.slice(0, end))) as MemoryFields);
}

/**
 * If-Match is checked only against a memory the caller can see: for a missing or deleted one the
 * decider answers 404, which says more than a version conflict would.
 */
function checkExpectedVersion(loaded: LoadedMemory, expectedVersion: number | undefined): void {
  if (expectedVersion === undefined || loaded.state === null || loaded.state.deleted) return;
  if (expectedVersion !== loaded.version) throw new VersionConflictError(expectedVersion, loaded.version);
}
