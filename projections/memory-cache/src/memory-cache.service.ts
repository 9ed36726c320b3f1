import type { ServiceSchema } from "moleculer";
import type { EventStore } from "@second-brain/event-store";
import { appErrorsMixin, readModelAdminMixin, type Cache, type SqlPool } from "@second-brain/platform";
import {
  startCacheProjection,
  type CacheProjectionLogger,
  type RunningCacheProjection,
} from "./read-model/cache.projection.ts";

export interface MemoryCacheServiceOptions {
  store: EventStore;
  cache: Cache;
  pool: SqlPool;
  logger?: CacheProjectionLogger;
}

/** Keeps the memory cache honest: every memory event in the log deletes that memory's entry. */
export function memoryCacheService(options: MemoryCacheServiceOptions): ServiceSchema {
  let projection: RunningCacheProjection | null = null;
  return {
    name: "memory-cache",
    mixins: [appErrorsMixin, readModelAdminMixin(() => projection)],
    async started() {
      projection = await startCacheProjection(options);
    },
    async stopped() {
      await projection?.stop();
      projection = null;
    },
  };
}
