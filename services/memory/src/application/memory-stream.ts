import {
  MEMORY_PERSONAL_FIELDS,
  NotFoundError,
  memoryStreamId,
  type Caller,
  type MemoryEventType,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields } from "@second-brain/platform";
import { foldMemory, type MemoryEventEnvelope, type MemoryState } from "../domain/memory.ts";
import type { MemoryDeps } from "./deps.ts";

/** A memory's stream as its owner may see it: events with personal fields decrypted, and the fold. */
export interface LoadedMemory {
  streamId: string;
  events: RecordedEvent[];
  /** The stream's version (0 when it does not exist); the expected version of the next append. */
  version: number;
  state: MemoryState;
}

/**
 * Reads and decrypts a memory's stream for `caller`. A memory owned by someone else, or whose
 * owner has been erased (the data key is gone), does not exist for the caller: 404, never 403, so
 * ids of other people's memories cannot be probed.
 */
export async function loadMemory(deps: MemoryDeps, caller: Caller, memoryId: string): Promise<LoadedMemory> {
  const streamId = memoryStreamId(memoryId);
  const recorded = await deps.store.readStream(streamId);
  if (recorded.length === 0) return { streamId, events: [], version: 0, state: null };
  const ownerId = recorded[0]!.metadata.ownerId;
  if (ownerId !== caller.userId) throw new NotFoundError("Memory");
  const key = await deps.keyring.getKey(ownerId);
  if (key === undefined) throw new NotFoundError("Memory");
  const events = recorded.map((event) => ({
    ...event,
    data: decryptFields(event.data as object, personalFieldsOf(event.type), key),
  }));
  return {
    streamId,
    events,
    version: recorded[recorded.length - 1]!.streamVersion,
    state: foldMemory(asMemoryEvents(events)),
  };
}

/** Memory streams hold only memory events; the type check is the fold's (unknown types are skipped). */
export function asMemoryEvents(events: RecordedEvent[]): MemoryEventEnvelope[] {
  return events as unknown as MemoryEventEnvelope[];
}

export function personalFieldsOf(type: string): readonly string[] {
  return MEMORY_PERSONAL_FIELDS[type as MemoryEventType] ?? [];
}
