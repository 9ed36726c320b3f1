import { comparePositions, formatPosition, type LogPosition } from "@second-brain/contracts";
import type { EventStore, Subscription } from "@second-brain/event-store";
import { createLogger, projectionLag, runMigrations, type Cache, type SqlPool } from "@second-brain/platform";
import { createProjectionCheckpoints } from "../migrations/2026_11_26_0001_create_projection_checkpoints.ts";
import { staleCacheKeys } from "./cache-keys.ts";
import { CheckpointMovedError, moveCacheCheckpoint, readCacheCheckpoint } from "./checkpoints.ts";

export interface CacheProjectionLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface CacheProjectionOptions {
  store: EventStore;
  cache: Cache;
  pool: SqlPool;
  logger?: CacheProjectionLogger;
  batchSize?: number;
}

export interface RunningCacheProjection {
  stop(): Promise<void>;
  wake(): void;
  position(): LogPosition;
}

export const CACHE_PROJECTION_MIGRATIONS = [createProjectionCheckpoints];

/**
 * Invalidates cached memories as their events reach the log. Deleting a key is idempotent, so the
 * keys go first and the checkpoint moves after: a crash in between only deletes them again.
 * A failed delete (Redis down) fails the batch, which is retried: no stale entry is left behind.
 */
export async function startCacheProjection(options: CacheProjectionOptions): Promise<RunningCacheProjection> {
  const { store, cache, pool } = options;
  const logger = options.logger ?? createLogger("cache-projection");
  const batchSize = options.batchSize ?? 500;
  await runMigrations(pool, "cache-projection", CACHE_PROJECTION_MIGRATIONS);
  let position = await readCacheCheckpoint(pool);
  let generation = 0;
  let stopped = false;
  let subscription: Subscription;
  let restarting: Promise<void> | null = null;

  const subscribeFrom = (from: LogPosition) => {
    const mine = ++generation;
    subscription = store.subscribe({
      after: from,
      batchSize,
      handle: async (events) => {
        if (mine !== generation || stopped) throw new Error("superseded");
        const fresh = events.filter((event) => comparePositions(event.position, position) > 0);
        const last = fresh[fresh.length - 1];
        if (!last) return;
        const keys = staleCacheKeys(fresh);
        if (keys.length > 0) await cache.delete(...keys);
        await moveCacheCheckpoint(pool, position, last.position);
        position = last.position;
        if (events.length < batchSize) projectionLag.set({ projection: "cache" }, 0);
      },
      onError: (error) => {
        if (mine !== generation) return;
        if (error instanceof CheckpointMovedError) return restart();
        logger.error("cache invalidation failed; it will be retried", { error: String(error) });
      },
    });
  };

  const restart = () => {
    if (restarting || stopped) return;
    const old = subscription;
    generation++;
    restarting = (async () => {
      await old.stop();
      while (!stopped) {
        try {
          position = await readCacheCheckpoint(pool);
          logger.warn("checkpoint moved by another instance; resuming from it", {
            position: formatPosition(position),
          });
          subscribeFrom(position);
          return;
        } catch (error) {
          logger.error("cannot read the cache checkpoint; retrying", { error: String(error) });
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    })().finally(() => (restarting = null));
  };

  subscribeFrom(position);
  logger.info("cache projection started", { position: formatPosition(position) });
  return {
    stop: async () => {
      stopped = true;
      await restarting;
      await subscription.stop();
    },
    wake: () => subscription.wake(),
    position: () => position,
  };
}
