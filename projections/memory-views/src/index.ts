export { memoryViewsService, type MemoryViewsServiceOptions } from "./memory-views.service.ts";
export {
  startMemoriesProjection,
  type MemoriesProjection,
  type MemoriesProjectionOptions,
} from "./read-model/memories.projection.ts";
export {
  rebuildMemories,
  type RebuildMemoriesOptions,
  type RebuildResult,
} from "./read-model/memories.rebuild.ts";
export { projectMemoriesBatch, applyMemoryEvents, type BatchTarget } from "./read-model/memories.apply.ts";
export { evolveMemoryRow, toMemory } from "./read-model/memories.evolve.ts";
export {
  getMemory,
  getMemoryRow,
  listMemories,
  type ListMemoriesOptions,
  type MemoryPage,
} from "./read-model/memories.queries.ts";
export { readMemory, type MemoryReader } from "./application/read-memory.ts";
export { createMemoriesDb, type MemoriesDb } from "./adapters/kysely.ts";
export { migrateMemoryViews, MEMORIES_MIGRATIONS } from "./migrations/index.ts";
export { encodeCursor, decodeCursor } from "./read-model/memories.cursor.ts";
export type {
  MemoriesDatabase,
  MemoriesTable,
  ProjectionCheckpointsTable,
} from "./read-model/memories.table.ts";
