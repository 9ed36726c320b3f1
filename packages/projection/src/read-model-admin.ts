import { formatPosition, type RecordedEvent } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { projectionParkedStreams, type ReadModelHealth } from "@second-brain/platform";
import { countParkedStreams, readCheckpoint } from "./checkpoints.ts";
import { listParkedEvents, type ParkedEvent } from "./parked-events.ts";
import type { BatchHandlers, BatchTarget } from "./project-batch.ts";
import type { ConsumerState } from "./project-or-park.ts";
import { retryParkedStream } from "./retry-parked.ts";
import type { ProjectionLogger } from "./start-projection.ts";

export interface ProjectionStatus {
  name: string;
  position: string;
  lagEvents: number;
  parkedStreams: number;
}

export type RetryParkedResult =
  | { outcome: "not-parked" }
  | { outcome: "applied"; events: number }
  | { outcome: "failed"; parkedEvents: number; error: string };

const HEALTH_COUNT_TIMEOUT_MS = 1_000;
const LAG_PROBE_LIMIT = 10_000;

export interface ReadModelAdmin {
  status(): Promise<ProjectionStatus>;
  parkedEvents(): Promise<ParkedEvent[]>;
  retryParked(streamId: string): Promise<RetryParkedResult>;
  /** Its entry in its service's health, by its label: degraded while a stream is parked. */
  health(): Promise<Record<string, ReadModelHealth>>;
}

/**
 * What an admin and its service's health see of a running read model: its status, its parked
 * events, re-applying a parked stream, and its entry in the health report's read models.
 */
export function administerReadModel<Context>(options: {
  name: string;
  /** The read model's name in metrics and health. */
  label: string;
  store: EventStore;
  logger: ProjectionLogger;
  handlers: BatchHandlers<Context>;
  target: BatchTarget;
  state: ConsumerState;
  /** Runs after a parked stream was re-applied (the read model's after-commit work). */
  afterRetry(events: readonly RecordedEvent[], context: Context): Promise<void>;
}): ReadModelAdmin {
  const { name, label, store, logger, target, state } = options;
  const pool = target.pool;

  const status = async (): Promise<ProjectionStatus> => {
    const position = await readCheckpoint(pool, name);
    // Counted up to a cap: beyond it, "at least" is all an admin needs to know.
    const pending = await store.readAll({ after: position, limit: LAG_PROBE_LIMIT });
    return {
      name: label,
      position: formatPosition(position),
      lagEvents: pending.length,
      parkedStreams: await countParkedStreams(pool, name),
    };
  };

  const retryParked = async (streamId: string): Promise<RetryParkedResult> => {
    const result = await retryParkedStream(target, options.handlers, store, streamId);
    if (result.outcome === "failed") {
      logger.warn("parked stream retried and failed again; it stays parked", {
        projection: name,
        streamId,
        error: result.error,
      });
      return result;
    }
    if (result.outcome === "not-parked") return result;
    logger.info("parked stream re-applied", { projection: name, streamId, events: result.events.length });
    projectionParkedStreams.set({ projection: label }, await countParkedStreams(pool, name));
    await options.afterRetry(result.events, result.context);
    return { outcome: "applied", events: result.events.length };
  };

  // Counted in the database (another instance may have parked or re-applied a stream since), or
  // as this instance last saw it when the database does not answer at once: health must not hang.
  const health = async (): Promise<Record<string, ReadModelHealth>> => {
    let timer: NodeJS.Timeout | undefined;
    const lastSeen = new Promise<number>((resolve) => {
      timer = setTimeout(() => resolve(state.parkedStreams.size), HEALTH_COUNT_TIMEOUT_MS);
    });
    const parked = await Promise.race([countParkedStreams(pool, name), lastSeen])
      .catch(() => state.parkedStreams.size)
      .finally(() => clearTimeout(timer));
    projectionParkedStreams.set({ projection: label }, parked);
    return { [label]: { status: parked > 0 ? "degraded" : "ok", parkedStreams: parked } };
  };

  return { status, parkedEvents: () => listParkedEvents(pool, name), retryParked, health };
}
