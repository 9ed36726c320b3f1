export { memoriesService, type MemoriesServiceOptions } from "./memories.service.ts";
export {
  startMemoriesProjection,
  type MemoriesProjection,
  type MemoriesProjectionOptions,
} from "./memories.projection.ts";
export { rebuildMemories, type RebuildMemoriesOptions, type RebuildResult } from "./memories.rebuild.ts";
export { projectMemoriesBatch, applyMemoryEvents, type BatchTarget } from "./memories.apply.ts";
export { evolveMemoryRow, toMemory } from "./memories.evolve.ts";
export {
  getMemory,
  getMemoryRow,
  listMemories,
  type ListMemoriesOptions,
  type MemoryPage,
} from "./memories.queries.ts";
export { readMemory, type MemoryReader } from "./memories.read.ts";
export { createMemoriesDb, type MemoriesDb } from "./kysely.ts";
export { migrateMemoriesProjection, MEMORIES_MIGRATIONS } from "./migrate.ts";
export { encodeCursor, decodeCursor } from "./list-cursor.ts";
export type { MemoriesDatabase, MemoriesTable, ProjectionCheckpointsTable } from "./memories.table.ts";
