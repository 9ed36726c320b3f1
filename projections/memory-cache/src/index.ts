export { memoryCacheService, type MemoryCacheServiceOptions } from "./memory-cache.service.ts";
export {
  startCacheProjection,
  type CacheProjectionOptions,
  type RunningCacheProjection,
} from "./read-model/cache.projection.ts";
export { staleCacheKeys } from "./read-model/cache.keys.ts";
export { CACHE_CHECKPOINT, readCacheCheckpoint } from "./read-model/cache.checkpoint.ts";
export { CACHE_MIGRATIONS, migrateMemoryCache } from "./migrations/index.ts";
