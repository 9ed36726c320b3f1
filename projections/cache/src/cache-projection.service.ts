import type { ServiceSchema } from "moleculer";
import type { EventStore } from "@second-brain/event-store";
import { appErrorsMixin, readModelAdminMixin, type Cache, type SqlPool } from "@second-brain/platform";
import {
  startCacheProjection,
  type CacheProjectionLogger,
  type RunningCacheProjection,
} from "./cache.projection.ts";

export interface CacheProjectionServiceOptions {
  store: EventStore;
  cache: Cache;
  pool: SqlPool;
  logger?: CacheProjectionLogger;
}

/** Keeps the memory cache honest: every memory event in the log deletes that memory's entry. */
export function cacheProjection(options: CacheProjectionServiceOptions): ServiceSchema {
  let projection: RunningCacheProjection | null = null;
  return {
    name: "cache-projection",
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
