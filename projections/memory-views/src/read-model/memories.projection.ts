import type { EventStore } from "@second-brain/event-store";
import { createLogger, type Cache, type Keyring, type SqlPool } from "@second-brain/platform";
import { startProjection, type ProjectionLogger, type RunningProjection } from "@second-brain/projection";
import {
  attachmentMemoryOf,
  cacheGenerations,
  memoryAttachmentsGenerationKey,
} from "@second-brain/read-models";
import { memoriesBatchHandlers } from "./memories.apply.ts";
import { MEMORIES_CHECKPOINT, MEMORIES_TABLE } from "./memories.table.ts";

export interface MemoriesProjectionOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  /** Where cached memories and their attachment generations live (shared with the reader). */
  cache: Cache;
  logger?: ProjectionLogger;
  batchSize?: number;
}

export type MemoriesProjection = RunningProjection;

/**
 * Keeps the `memories` table up to date with the log from its checkpoint. A rebuild swapping in its
 * table moves the checkpoint, so the running projection resumes from the rebuild's position. After
 * each commit, a memory whose attachments changed gets a fresh cache generation (see
 * cacheGenerations): its version did not move, so the version alone cannot tell a stale entry.
 */
export async function startMemoriesProjection(
  options: MemoriesProjectionOptions,
): Promise<MemoriesProjection> {
  const { pool, store, keyring } = options;
  const logger = options.logger ?? createLogger("memory-views");
  const target = { pool, keyring, table: MEMORIES_TABLE, checkpoint: MEMORIES_CHECKPOINT, logger };
  return startProjection({
    name: MEMORIES_CHECKPOINT,
    pool,
    store,
    logger,
    batchSize: options.batchSize ?? 200,
    lagLabel: "memories",
    ...memoriesBatchHandlers(target),
    afterCommit: async (events) => {
      const keys = new Set<string>();
      for (const event of events) {
        const attached = attachmentMemoryOf(event);
        if (attached) keys.add(memoryAttachmentsGenerationKey(attached.ownerId, attached.memoryId));
      }
      await cacheGenerations.renew(options.cache, keys);
    },
  });
}
