export { cacheProjection, type CacheProjectionServiceOptions } from "./cache-projection.service.ts";
export {
  startCacheProjection,
  CACHE_PROJECTION_MIGRATIONS,
  type CacheProjectionOptions,
  type RunningCacheProjection,
} from "./cache.projection.ts";
export { staleCacheKeys } from "./cache-keys.ts";
export { CACHE_CHECKPOINT, readCacheCheckpoint } from "./checkpoints.ts";
