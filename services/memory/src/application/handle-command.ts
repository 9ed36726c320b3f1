import { randomUUID } from "node:crypto";
import {
  MEMORY_EVENT_SCHEMA_VERSION,
  UnauthenticatedError,
  VersionConflictError,
  type EventMetadata,
  type Memory,
  type MemoryEvent,
  type NewEvent,
} from "@second-brain/contracts";
import { encryptFields } from "@second-brain/platform";
import { decide, type MemoryCommand } from "../domain/decide.ts";
import { foldMemory, toMemory, type MemoryFields } from "../domain/memory.ts";
import type { MemoryDeps, RequestInfo } from "./deps.ts";
import { loadMemory, personalFieldsOf, type LoadedMemory } from "./memory-stream.ts";

export interface HandleOptions extends RequestInfo {
  /** The version from If-Match; when given, a memory at any other version is a 409. */
  expectedVersion?: number;
  /** Ids for the new events (deterministic for idempotent creates); random UUIDs otherwise. */
  eventIds?: string[];
}

/**
 * The write path: read the stream, decrypt, fold, check owner and If-Match, decide, encrypt, and
 * append expecting exactly the version read, so two concurrent writers conflict (409) instead of
 * one silently overwriting the other. Returns the memory as it is after the command.
 */
export async function handleCommand(
  deps: MemoryDeps,
  streamId: string,
  command: MemoryCommand,
  options: HandleOptions,
): Promise<Memory> {
  const loaded = await loadMemory(deps, options.caller, command.data.memoryId);
  if (loaded.streamId !== streamId)
    throw new Error(`Command for ${command.data.memoryId} sent to ${streamId}.`);
  checkExpectedVersion(loaded, options.expectedVersion);

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
  const toAppend: NewEvent[] = events.map((event, index) => ({
    id: options.eventIds?.[index] ?? randomUUID(),
    type: event.type,
    data: encryptFields(event.data, personalFieldsOf(event.type), key),
    metadata,
  }));
  const result = await deps.store.appendToStream(streamId, toAppend, { expectedVersion: loaded.version });

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

/**
 * If-Match is checked only against a memory the caller can see: for a missing or deleted one the
 * decider answers 404, which says more than a version conflict would.
 */
function checkExpectedVersion(loaded: LoadedMemory, expectedVersion: number | undefined): void {
  if (expectedVersion === undefined || loaded.state === null || loaded.state.deleted) return;
  if (expectedVersion !== loaded.version) throw new VersionConflictError(expectedVersion, loaded.version);
}
