import { evolveMemory, memoryView, type Memory, type MemoryFoldEvent } from "@second-brain/contracts";
import type { MemoryRow } from "@second-brain/read-models";

/**
 * Folds one event into a row with the shared fold (packages/contracts/src/memory-fold.ts). Pure:
 * the same events give the same row, which is what makes a rebuild from position 0 identical to
 * the live read model; an event the row already reflects leaves it unchanged. A deleted memory is
 * kept as a tombstone (status "deleted"), so a late duplicate of MemoryCreated cannot bring it back.
 * `null` in means the memory is unknown; `null` out means there is nothing to keep.
 */
export const evolveMemoryRow = (row: MemoryRow | null, event: MemoryFoldEvent): MemoryRow | null =>
  evolveMemory(row, event);

/** The Memory DTO of a row (the owner stays on the server side). */
export const toMemory = (row: MemoryRow): Memory => memoryView(row);
