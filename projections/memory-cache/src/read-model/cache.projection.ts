import type { EventStore } from "@second-brain/event-store";
import { createLogger, type Cache, type SqlPool } from "@second-brain/platform";
import { startProjection, type ProjectionLogger, type RunningProjection } from "@second-brain/projection";
import { migrateMemoryCache } from "../migrations/index.ts";
import { erasedOwnerPrefixes, staleCacheKeys } from "./cache.keys.ts";
import { CACHE_CHECKPOINT } from "./cache.checkpoint.ts";

export type CacheProjectionLogger = ProjectionLogger;

export interface CacheProjectionOptions {
  store: EventStore;
  cache: Cache;
  pool: SqlPool;
  logger?: CacheProjectionLogger;
  batchSize?: number;
}

export type RunningCacheProjection = RunningProjection;

/**
 * Invalidates cached memories as their events reach the log, and removes everything cached of a
 * user when their erasure reaches it (decrypted memories, search answers, query vectors). Deleting a key is idempotent, so the
 * keys go first (before the batch transaction, which then only moves the checkpoint): a crash in
 * between only deletes them again. A failed delete (Redis down) fails the batch, which is retried:
 * no stale entry is left behind.
 */
export async function startCacheProjection(options: CacheProjectionOptions): Promise<RunningCacheProjection> {
  const { store, cache, pool } = options;
  await migrateMemoryCache(pool);
  return startProjection({
    name: CACHE_CHECKPOINT,
    pool,
    store,
    logger: options.logger ?? createLogger("memory-cache"),
    batchSize: options.batchSize ?? 500,
    prepare: async (events) => {
      const keys = staleCacheKeys(events);
      if (keys.length > 0) await cache.delete(...keys);
      for (const prefix of erasedOwnerPrefixes(events)) await cache.deletePrefix(prefix);
    },
    apply: async () => undefined,
  });
}
