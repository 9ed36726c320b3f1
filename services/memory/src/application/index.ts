export type { MemoryDeps } from "./deps.ts";
export { handleCommand, type HandleOptions } from "./handle-command.ts";
export {
  createMemory,
  type CreateMemoryBody,
  type CreateOptions,
  type CreateOutcome,
} from "./create-memory.ts";
export { readHistory, readAsOf, readCurrent, type HistoryEntry, type MemoryHistory } from "./read-history.ts";
export { loadMemory, memoryHandler, type LoadedMemory } from "./memory-stream.ts";
export { createdMemoryId, requestHash } from "./idempotency.ts";
export { linkMemory } from "./link-memory.ts";
