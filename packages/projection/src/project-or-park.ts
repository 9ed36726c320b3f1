import { comparePositions, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import { CheckpointMovedError } from "./checkpoints.ts";
import {
  parkEvent,
  projectBatch,
  type BatchHandlers,
  type BatchTarget,
  type ProjectedBatch,
} from "./project-batch.ts";
import { isTransientError } from "./transient-errors.ts";

/** Where a consumer stands; moved forward by every commit, so a failure midway resumes from there. */
export interface ConsumerState {
  position: LogPosition;
  parkedStreams: ReadonlySet<string>;
}

export interface ParkingHooks<Context> {
  /** After each transaction that committed (applied and/or recorded parked events). */
  committed(batch: ProjectedBatch<Context>): Promise<void>;
  /** When an event failed alone and its stream was parked. */
  parked(event: RecordedEvent, error: string): void;
}

/**
 * Projects the events past `state.position`. When the batch fails in a way a retry cannot fix,
 * the failing part is halved until one event fails alone; that event's stream is parked and the
 * rest goes on as one batch again (so finding the culprit costs about log2(batch) transactions,
 * and a failure that only shows when events meet, not alone, is applied in smaller pieces).
 * Transient failures and a moved checkpoint are thrown: the caller retries or restarts.
 */
export async function projectOrPark<Context>(
  target: BatchTarget,
  handlers: BatchHandlers<Context>,
  state: ConsumerState,
  events: readonly RecordedEvent[],
  hooks: ParkingHooks<Context>,
): Promise<void> {
  let pending = events.filter((event) => comparePositions(event.position, state.position) > 0);
  let size = pending.length;
  while (pending.length > 0) {
    const chunk = pending.slice(0, size);
    try {
      const done = await projectBatch(target, handlers, state.position, chunk, state.parkedStreams);
      if (done) await commit(state, hooks, done);
      pending = pending.slice(chunk.length);
      size = pending.length;
    } catch (error) {
      if (!cannotBeRetried(error)) throw error;
      if (chunk.length > 1) {
        size = Math.ceil(chunk.length / 2);
        continue;
      }
      const culprit = chunk[0]!;
      const reason = describeError(error);
      state.parkedStreams = await parkEvent(target, state.position, culprit, reason);
      state.position = culprit.position;
      hooks.parked(culprit, reason);
      pending = pending.slice(1);
      size = pending.length;
    }
  }
}

async function commit<Context>(
  state: ConsumerState,
  hooks: ParkingHooks<Context>,
  done: ProjectedBatch<Context>,
): Promise<void> {
  state.position = done.position;
  state.parkedStreams = done.parkedStreams;
  await hooks.committed(done);
}

/** Neither transient nor the checkpoint moving: the same event would fail the same way again. */
export function cannotBeRetried(error: unknown): boolean {
  return !(error instanceof CheckpointMovedError) && !isTransientError(error);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
