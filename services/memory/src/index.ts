export { memoryService, type MemoryServiceDeps } from "./memory.service.ts";
export {
  initialState,
  evolve,
  foldMemory,
  toMemory,
  type MemoryFields,
  type MemoryState,
  type MemoryEventEnvelope,
} from "./domain/memory.ts";
export {
  memoryDecider,
  type MemoryCommand,
  type CreateMemory,
  type EditMemory,
  type SetTags,
  type LinkMemory,
  type ArchiveMemory,
  type RestoreMemory,
  type DeleteMemory,
} from "./domain/decide.ts";
export { DEFAULT_CONFIDENCE, DEFAULT_IMPORTANCE, DEFAULT_MEMORY_TYPE } from "./domain/rules.ts";
export * from "./application/index.ts";
