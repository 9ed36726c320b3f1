import { NotFoundError, type Caller, type Memory } from "@second-brain/contracts";
import { foldMemory, toMemory } from "../domain/memory.ts";
import type { MemoryDeps } from "./deps.ts";
import { loadMemory } from "./memory-stream.ts";

export interface HistoryEntry {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  actor: string;
  correlationId: string;
  causationId: string;
  /** The event's data with personal fields decrypted. */
  data: unknown;
}

export interface MemoryHistory {
  events: HistoryEntry[];
}

/** Every event of a memory, oldest first. A deleted memory has no history for clients (404). */
export async function readHistory(
  deps: MemoryDeps,
  caller: Caller,
  memoryId: string,
): Promise<MemoryHistory> {
  const { events, state } = await loadMemory(deps, caller, memoryId);
  if (state === null || state.deleted) throw new NotFoundError("Memory");
  return {
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      version: event.streamVersion,
      occurredAt: event.metadata.occurredAt,
      actor: event.metadata.actor,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      data: event.data,
    })),
  };
}

/** The memory as it is now, straight from its stream (reads its own writes, unlike read models). */
export async function readCurrent(deps: MemoryDeps, caller: Caller, memoryId: string): Promise<Memory> {
  const { state } = await loadMemory(deps, caller, memoryId);
  if (state === null || state.deleted) throw new NotFoundError("Memory");
  return toMemory(state);
}

/**
 * The memory as it stood at `asOf`: the longest prefix of its history that had happened by then
 * (a prefix, so a clock that stepped back between two writes can never produce a state that never
 * existed). 404 when it did not exist yet or had been deleted by then.
 */
export async function readAsOf(
  deps: MemoryDeps,
  caller: Caller,
  memoryId: string,
  asOf: Date,
): Promise<Memory> {
  const { events } = await loadMemory(deps, caller, memoryId);
  const limit = asOf.getTime();
  const firstLater = events.findIndex((event) => Date.parse(event.metadata.occurredAt) > limit);
  const happened = firstLater === -1 ? events : events.slice(0, firstLater);
  const state = foldMemory(happened);
  if (state === null || state.deleted) throw new NotFoundError("Memory");
  return toMemory(state);
}
