import { formatPosition, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import type { EventStore, Subscription } from "@second-brain/event-store";
import {
  projectionLag,
  projectionParkedStreams,
  type ReadModelHealth,
  type SqlPool,
} from "@second-brain/platform";
import {
  CheckpointMovedError,
  ensureCheckpoint,
  migrateProjectionTables,
  readCheckpoint,
  readParkedStreams,
} from "./checkpoints.ts";
import type { ParkedEvent } from "./parked-events.ts";
import type { BatchHandlers, ProjectedBatch } from "./project-batch.ts";
import { describeError, projectOrPark, type ConsumerState } from "./project-or-park.ts";
import { administerReadModel, type ProjectionStatus, type RetryParkedResult } from "./read-model-admin.ts";
import { isTransientError } from "./transient-errors.ts";

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
  /** The read model's name in metrics (the `projection` label) and health details; `name` by default. */
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
  /** Where it stands: checkpoint, events still to apply (counted up to a cap), parked streams. */
  status(): Promise<ProjectionStatus>;
  /** Its parked events, stream by stream, each stream in version order. */
  parkedEvents(): Promise<ParkedEvent[]>;
  /** Re-applies a parked stream (see retryParkedStream). */
  retryParked(streamId: string): Promise<RetryParkedResult>;
  /** Its entry in its service's health (degraded while a stream is parked). */
  health(): Promise<Record<string, ReadModelHealth>>;
}

const RESTART_DELAY_MS = 1_000;
const TRANSIENT_RETRY_FIRST_MS = 100;
const TRANSIENT_RETRY_MAX_MS = 10_000;
const LAG_PROBE_INTERVAL_MS = 1_000;
const LAG_PROBE_LIMIT = 10_000;

/**
 * A consumer of the global log with its own checkpoint: it starts where it stopped (so a consumer
 * that was down catches up) and projects each batch in one transaction with the checkpoint's
 * compare-and-set (projectBatch). An event that fails in a way a retry cannot fix parks its stream
 * and every other stream goes on (projectOrPark); a transient failure (connection lost, timeout,
 * serialization failure) is retried with a growing pause and never parks. When the checkpoint
 * moves under it (another instance, or a rebuild swapping in its table) it drops its subscription
 * and starts again from the stored position.
 */
export async function startProjection<Context>(
  options: ProjectionOptions<Context>,
): Promise<RunningProjection> {
  const { name, pool, store, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const label = options.lagLabel ?? name;
  const target = { pool, name, durableCommit: options.durableCommit ?? false };
  await migrateProjectionTables(pool);
  await ensureCheckpoint(pool, name);
  const state: ConsumerState = {
    position: await readCheckpoint(pool, name),
    parkedStreams: await readParkedStreams(pool, name),
  };
  projectionParkedStreams.set({ projection: label }, state.parkedStreams.size);
  let generation = 0;
  let stopped = false;
  let subscription: Subscription;
  let restarting: Promise<void> | null = null;
  let lastLagProbe = 0;
  let reachedEnd = !options.onceCaughtUp;
  let cutPauseShort: (() => void) | null = null;

  const reportLag = async (delivered: number) => {
    if (delivered < batchSize) return projectionLag.set({ projection: label }, 0);
    if (Date.now() - lastLagProbe < LAG_PROBE_INTERVAL_MS) return;
    lastLagProbe = Date.now();
    const pending = await store.readAll({ after: state.position, limit: LAG_PROBE_LIMIT });
    projectionLag.set({ projection: label }, pending.length);
  };

  const noticeEnd = async (delivered: number) => {
    if (reachedEnd) return;
    if (delivered >= batchSize && (await store.readAll({ after: state.position, limit: 1 })).length > 0)
      return;
    await options.onceCaughtUp?.();
    reachedEnd = true;
  };

  const afterCommit = async (events: readonly RecordedEvent[], context: Context) => {
    await options
      .afterCommit?.(events, context)
      .catch((error: unknown) =>
        logger.warn("after-commit step failed", { projection: name, error: describeError(error) }),
      );
  };

  const hooks = {
    committed: async (batch: ProjectedBatch<Context>) => {
      projectionParkedStreams.set({ projection: label }, batch.parkedStreams.size);
      if (batch.parked.length > 0) {
        logger.warn("events of parked streams recorded, not applied", {
          projection: name,
          events: batch.parked.length,
        });
      }
      if (batch.applied) await afterCommit(batch.applied.events, batch.applied.context);
    },
    parked: (event: RecordedEvent, error: string) => {
      projectionParkedStreams.set({ projection: label }, state.parkedStreams.size);
      logger.error("event cannot be applied; its stream is parked", {
        projection: name,
        streamId: event.streamId,
        eventId: event.id,
        eventType: event.type,
        position: formatPosition(event.position),
        error,
      });
    },
  };

  /** Waits before the next attempt; stop() cuts the wait short. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        cutPauseShort = null;
        resolve();
      }, ms);
      cutPauseShort = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const handleBatch = async (events: RecordedEvent[], mine: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await projectOrPark(target, options, state, events, hooks);
        break;
      } catch (error) {
        if (!isTransientError(error) || stopped || mine !== generation) throw error;
        const delayMs = Math.min(TRANSIENT_RETRY_FIRST_MS * 2 ** attempt, TRANSIENT_RETRY_MAX_MS);
        logger.warn("transient failure; retrying the batch", {
          projection: name,
          attempt: attempt + 1,
          delayMs,
          error: describeError(error),
        });
        await pause(delayMs);
        if (stopped || mine !== generation) throw new SupersededError();
      }
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
        await handleBatch(events, mine);
      },
      onError: (error) => {
        if (mine !== generation || error instanceof SupersededError) return;
        if (error instanceof CheckpointMovedError) {
          logger.warn("checkpoint moved by another writer; restarting from the stored position", {
            projection: name,
            position: formatPosition(state.position),
          });
          return restart();
        }
        logger.error("batch failed; it will be retried", { projection: name, error: describeError(error) });
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
          state.position = await readCheckpoint(pool, name);
          state.parkedStreams = await readParkedStreams(pool, name);
          subscribeFrom(state.position);
          return;
        } catch (error) {
          logger.error("cannot read the checkpoint; retrying", {
            projection: name,
            error: describeError(error),
          });
          await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
        }
      }
    })().finally(() => (restarting = null));
  };

  const admin = administerReadModel({
    name,
    label,
    store,
    logger,
    handlers: options,
    target,
    state,
    afterRetry: async (events, context) => {
      await afterCommit(events, context);
      subscription.wake();
    },
  });
  // An empty log (or one already projected) delivers no batch, so the end is looked for here too.
  await noticeEnd(batchSize);
  subscribeFrom(state.position);
  logger.info("projection started", { projection: name, position: formatPosition(state.position) });
  return {
    stop: async () => {
      stopped = true;
      cutPauseShort?.();
      await restarting;
      await subscription.stop();
    },
    wake: () => subscription.wake(),
    position: () => state.position,
    status: admin.status,
    parkedEvents: admin.parkedEvents,
    retryParked: admin.retryParked,
    health: admin.health,
  };
}

class SupersededError extends Error {
  constructor() {
    super("This subscription was replaced by a newer one.");
    this.name = "SupersededError";
  }
}
