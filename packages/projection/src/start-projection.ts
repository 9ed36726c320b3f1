import { formatPosition, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import type { EventStore, Subscription } from "@second-brain/event-store";
import { projectionLag, type SqlPool } from "@second-brain/platform";
import { CheckpointMovedError, ensureCheckpoint, readCheckpoint } from "./checkpoints.ts";
import { projectBatch, type BatchHandlers } from "./project-batch.ts";

export interface ProjectionLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface ProjectionOptions<Context> extends BatchHandlers<Context> {
  /** The consumer's checkpoint row; also names it in logs. */
  name: string;
  pool: SqlPool;
  store: EventStore;
  logger: ProjectionLogger;
  batchSize?: number;
  /** See BatchTarget.durableCommit; off by default. */
  durableCommit?: boolean;
  /** The `projection` label of the lag gauge; `name` by default. */
  lagLabel?: string;
  /** Best-effort work after a batch committed (cache generations): a failure is logged, not retried. */
  afterCommit?(events: readonly RecordedEvent[], context: Context): Promise<void>;
  /**
   * Called once, the first time the projection reaches the end of the log (at start when nothing
   * is left to project). Until it succeeds, each full batch is followed by a one-row read to see
   * whether the log ended exactly there.
   */
  onceCaughtUp?(): Promise<void>;
}

export interface RunningProjection {
  /** Stops after the batch in hand. */
  stop(): Promise<void>;
  /** Reads the log now (on a broker notification) instead of at the next poll. */
  wake(): void;
  /** The last log position whose effects are committed. */
  position(): LogPosition;
}

const RESTART_DELAY_MS = 1_000;
const LAG_PROBE_INTERVAL_MS = 1_000;
const LAG_PROBE_LIMIT = 10_000;

/**
 * A consumer of the global log with its own checkpoint: it starts where it stopped (so a consumer
 * that was down catches up) and projects each batch in one transaction with the checkpoint's
 * compare-and-set (projectBatch). When the checkpoint moves under it (another instance, or a
 * rebuild swapping in its table) it drops its subscription and starts again from the stored position.
 */
export async function startProjection<Context>(
  options: ProjectionOptions<Context>,
): Promise<RunningProjection> {
  const { name, pool, store, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const lagLabel = options.lagLabel ?? name;
  const target = { pool, name, durableCommit: options.durableCommit ?? false };
  await ensureCheckpoint(pool, name);
  let position = await readCheckpoint(pool, name);
  let generation = 0;
  let stopped = false;
  let subscription: Subscription;
  let restarting: Promise<void> | null = null;
  let lastLagProbe = 0;
  let reachedEnd = !options.onceCaughtUp;

  const reportLag = async (delivered: number) => {
    if (delivered < batchSize) return projectionLag.set({ projection: lagLabel }, 0);
    if (Date.now() - lastLagProbe < LAG_PROBE_INTERVAL_MS) return;
    lastLagProbe = Date.now();
    const pending = await store.readAll({ after: position, limit: LAG_PROBE_LIMIT });
    projectionLag.set({ projection: lagLabel }, pending.length);
  };

  const noticeEnd = async (delivered: number) => {
    if (reachedEnd) return;
    if (delivered >= batchSize && (await store.readAll({ after: position, limit: 1 })).length > 0) return;
    await options.onceCaughtUp?.();
    reachedEnd = true;
  };

  const handleBatch = async (events: RecordedEvent[]) => {
    const done = await projectBatch(target, options, position, events);
    if (done) {
      position = done.position;
      await options
        .afterCommit?.(done.events, done.context)
        .catch((error: unknown) =>
          logger.warn("after-commit step failed", { projection: name, error: describe(error) }),
        );
    }
    await reportLag(events.length).catch(() => undefined);
    await noticeEnd(events.length);
  };

  const subscribeFrom = (from: LogPosition) => {
    const mine = ++generation;
    subscription = store.subscribe({
      after: from,
      batchSize,
      handle: async (events) => {
        if (mine !== generation || stopped) throw new SupersededError();
        await handleBatch(events);
      },
      onError: (error) => {
        if (mine !== generation || error instanceof SupersededError) return;
        if (error instanceof CheckpointMovedError) {
          logger.warn("checkpoint moved by another writer; restarting from the stored position", {
            projection: name,
            position: formatPosition(position),
          });
          return restart();
        }
        logger.error("batch failed; it will be retried", { projection: name, error: describe(error) });
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
          logger.error("cannot read the checkpoint; retrying", { projection: name, error: describe(error) });
          await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
        }
      }
    })().finally(() => (restarting = null));
  };

  // An empty log (or one already projected) delivers no batch, so the end is looked for here too.
  await noticeEnd(batchSize);
  subscribeFrom(position);
  logger.info("projection started", { projection: name, position: formatPosition(position) });
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
