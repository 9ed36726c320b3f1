import { formatPosition, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import type { EventStore, Subscription } from "@second-brain/event-store";
import { createLogger, projectionLag, type Keyring, type SqlPool } from "@second-brain/platform";
import { CheckpointMovedError, ensureCheckpoint, readCheckpoint } from "./checkpoints.ts";
import { projectMemoriesBatch, type BatchTarget, type ProjectionLogger } from "./memories.apply.ts";
import { MEMORIES_CHECKPOINT, MEMORIES_TABLE } from "./memories.table.ts";

export interface MemoriesProjectionOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  logger?: ProjectionLogger;
  batchSize?: number;
}

export interface MemoriesProjection {
  /** Stops after the batch in hand. */
  stop(): Promise<void>;
  /** Reads the log now (on a broker notification) instead of at the next poll. */
  wake(): void;
  /** The last log position whose effects are committed in the read model. */
  position(): LogPosition;
}

const RESTART_DELAY_MS = 1_000;
const LAG_PROBE_INTERVAL_MS = 1_000;
const LAG_PROBE_LIMIT = 10_000;

/**
 * Keeps the `memories` table up to date with the log. It resumes from its checkpoint, and when the
 * checkpoint moves under it (another instance, or a rebuild swapping in its table) it drops its
 * subscription and starts again from the stored position.
 */
export async function startMemoriesProjection(
  options: MemoriesProjectionOptions,
): Promise<MemoriesProjection> {
  const { pool, store, keyring } = options;
  const logger = options.logger ?? createLogger("memories-projection");
  const batchSize = options.batchSize ?? 200;
  const target: BatchTarget = {
    pool,
    keyring,
    table: MEMORIES_TABLE,
    checkpoint: MEMORIES_CHECKPOINT,
    logger,
  };
  await ensureCheckpoint(pool, MEMORIES_CHECKPOINT);
  let position = await readCheckpoint(pool, MEMORIES_CHECKPOINT);
  let generation = 0;
  let stopped = false;
  let subscription: Subscription;
  let restarting: Promise<void> | null = null;
  let lastLagProbe = 0;

  const reportLag = async (events: RecordedEvent[]) => {
    if (events.length < batchSize) return projectionLag.set({ projection: "memories" }, 0);
    if (Date.now() - lastLagProbe < LAG_PROBE_INTERVAL_MS) return;
    lastLagProbe = Date.now();
    const pending = await store.readAll({ after: position, limit: LAG_PROBE_LIMIT });
    projectionLag.set({ projection: "memories" }, pending.length);
  };

  const subscribeFrom = (from: LogPosition) => {
    const mine = ++generation;
    subscription = store.subscribe({
      after: from,
      batchSize,
      handle: async (events) => {
        if (mine !== generation || stopped) throw new SupersededError();
        position = await projectMemoriesBatch(target, position, events);
        await reportLag(events).catch(() => undefined);
      },
      onError: (error) => {
        if (mine !== generation || error instanceof SupersededError) return;
        if (error instanceof CheckpointMovedError) {
          logger.warn("checkpoint moved by another writer; restarting from the stored position", {
            position: formatPosition(position),
          });
          restart();
          return;
        }
        logger.error("memories batch failed; it will be retried", { error: describe(error) });
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
          position = await readCheckpoint(pool, MEMORIES_CHECKPOINT);
          subscribeFrom(position);
          return;
        } catch (error) {
          logger.error("cannot read the memories checkpoint; retrying", { error: describe(error) });
          await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
        }
      }
    })().finally(() => (restarting = null));
  };

  subscribeFrom(position);
  logger.info("memories projection started", { position: formatPosition(position) });

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

class SupersededError extends Error {
  constructor() {
    super("This subscription was replaced by a newer one.");
    this.name = "SupersededError";
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
