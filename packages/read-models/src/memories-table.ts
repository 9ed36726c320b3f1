import type { FoldedMemory } from "@second-brain/contracts";
import { FOLDED_MEMORY_COLUMNS, foldedMemoryFromRecord, type FoldedMemoryRecord } from "./memory-record.ts";

/** The memories read model: one row per memory, a deleted one kept as a tombstone. */
export const MEMORIES_TABLE = "memories";
export const MEMORIES_CHECKPOINT = "memories";

/** A memories row: the folded memory itself (its status may be "deleted"). */
export type MemoryRow = FoldedMemory;

export const MEMORY_COLUMNS = ["id", ...FOLDED_MEMORY_COLUMNS] as const;

export interface MemoryRecord extends FoldedMemoryRecord {
  id: string;
}

export const rowFromRecord = (record: MemoryRecord): MemoryRow => foldedMemoryFromRecord(record.id, record);
