import {
  comparePositions,
  formatPosition,
  type LogPosition,
  type RecordedEvent,
} from "@second-brain/contracts";
import type { EventStore, Subscription } from "@second-brain/event-store";
import { inTransaction, type SqlClient, type SqlPool } from "@second-brain/platform";
import {
  CheckpointMovedError,
  compareAndSetCheckpoint,
  ensureCheckpoint,
  readCheckpoint,
} from "./checkpoints.ts";

export interface CatchUpLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface CatchUpOptions<Prepared> {
  name: string;
  pool: SqlPool;
  store: EventStore;
  logger: CatchUpLogger;
  /** Work that must happen outside the transaction (key lookups: on PGlite the pool is one connection). */
  prepare(events: readonly RecordedEvent[]): Promise<Prepared>;
  /** Applies the batch on the transaction's client; must be idempotent by (stream, version). */
  apply(client: SqlClient, events: readonly RecordedEvent[], prepared: Prepared): Promise<void>;
  batchSize?: number;
}

export interface CatchUp {
  wake(): void;
  stop(): Promise<void>;
  position(): LogPosition;
}

/**
 * A consumer of the global log with its own checkpoint: it starts where it stopped (so a service
 * that was down catches up), and each batch changes the rows and the checkpoint in one
 * transaction, so a batch is applied once even when the process dies halfway.
 */
export async function startCatchUp<Prepared>(options: CatchUpOptions<Prepared>): Promise<CatchUp> {
  const { name, pool, store, logger } = options;
  await ensureCheckpoint(pool, name);
  let position = await readCheckpoint(pool, name);
  let generation = 0;
  let stopped = false;
  let subscription: Subscription;
  let restarting: Promise<void> | null = null;

  const applyBatch = async (events: RecordedEvent[]) => {
    const fresh = events.filter((event) => comparePositions(event.position, position) > 0);
    const last = fresh[fresh.length - 1];
    if (!last) return;
    const prepared = await options.prepare(fresh);
    await inTransaction(pool, async (client) => {
      // Rebuildable from the log: a commit lost in a crash loses its checkpoint with it.
      await client.query("SET LOCAL synchronous_commit TO OFF");
      await compareAndSetCheckpoint(client, name, position, last.position);
      await options.apply(client, fresh, prepared);
    });
    position = last.position;
  };

  const subscribeFrom = (from: LogPosition) => {
    const mine = ++generation;
    subscription = store.subscribe({
      after: from,
      batchSize: options.batchSize ?? 200,
      handle: async (events) => {
        if (mine !== generation || stopped) throw new SupersededError();
        await applyBatch(events);
      },
      onError: (error) => {
        if (mine !== generation || error instanceof SupersededError) return;
        if (error instanceof CheckpointMovedError) return restart();
        logger.error(`${name} batch failed; it will be retried`, { error: String(error) });
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
          position = await readCheckpoint(pool, name);
          subscribeFrom(position);
          return;
        } catch (error) {
          logger.error(`cannot read the ${name} checkpoint; retrying`, { error: String(error) });
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    })().finally(() => (restarting = null));
  };

  subscribeFrom(position);
  logger.info(`${name} consumer started`, { position: formatPosition(position) });
  return {
    wake: () => subscription.wake(),
    stop: async () => {
      stopped = true;
      await restarting;
      await subscription.stop();
    },
    position: () => position,
  };
}

class SupersededError extends Error {
  constructor() {
    super("This subscription was replaced by a newer one.");
    this.name = "SupersededError";
  }
}
