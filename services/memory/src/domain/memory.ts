import {
  evolveMemory,
  memoryView,
  type FoldedMemory,
  type Memory,
  type MemoryEventEnvelope,
  type MemoryFoldEvent,
} from "@second-brain/contracts";

export type { MemoryEventEnvelope, MemoryFoldEvent };

/**
 * A memory as the write side knows it: the shared fold's memory (packages/contracts/src/memory-fold.ts)
 * plus what only the write side needs.
 */
export interface MemoryFields extends FoldedMemory {
  /** HMAC of the create request under an Idempotency-Key (see application/idempotency.ts). */
  requestHash: string | null;
  /** Deleted memories stay in the log but no longer exist for clients. */
  deleted: boolean;
}

/** null until the MemoryCreated event. */
export type MemoryState = MemoryFields | null;

export const initialState = (): MemoryState => null;

/** The shared fold, plus the create request's hash and whether the memory is deleted. */
export function evolve(state: MemoryState, event: MemoryFoldEvent): MemoryState {
  const folded = evolveMemory(state, event);
  if (folded === null) return null;
  if (folded === state) return state;
  const requestHash = event.type === "MemoryCreated" ? event.data.requestHash : (state?.requestHash ?? null);
  return { ...folded, requestHash, deleted: folded.status === "deleted" };
}

export function foldMemory(
  events: readonly MemoryFoldEvent[],
  from: MemoryState = initialState(),
): MemoryState {
  return events.reduce(evolve, from);
}

/** The REST representation. Callers make sure the memory exists and is not deleted. */
export function toMemory(state: MemoryFields): Memory {
  return memoryView(state);
}
