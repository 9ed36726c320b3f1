import { runningOperations } from "../read-model/tags.queries.ts";
import type { TagDeps } from "./deps.ts";
import { runTagOperation, type TagOperationResult } from "./tag-operation-runner.ts";

export interface SupervisorLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface OperationSupervisor {
  /** Runs the operation unless this process already is; the same promise for every caller. */
  run(operationId: string, onProgress?: (result: TagOperationResult) => void): Promise<TagOperationResult>;
  stop(): Promise<void>;
}

/**
 * Finishes every unfinished rename or merge: the ones this process starts, and (every
 * `intervalMs`) the ones the read model lists as running — those a crashed process left behind,
 * or whose run failed because the memory service was unreachable. The read model catches up from
 * its checkpoint when the service starts, so a restarted service finds them within a tick.
 */
export function startOperationSupervisor(
  deps: TagDeps,
  now: () => Date,
  logger: SupervisorLogger,
  intervalMs = 2_000,
): OperationSupervisor {
  const active = new Map<string, Promise<TagOperationResult>>();
  const listeners = new Map<string, (result: TagOperationResult) => void>();
  let stopped = false;

  const run = (operationId: string, onProgress?: (result: TagOperationResult) => void) => {
    if (onProgress) listeners.set(operationId, onProgress);
    let running = active.get(operationId);
    if (!running) {
      running = runTagOperation(deps, operationId, now, (progress) => listeners.get(operationId)?.(progress));
      active.set(operationId, running);
      void running.then(
        (result) => logger.info("tag operation finished", { ...result }),
        (error: unknown) =>
          logger.warn("tag operation interrupted; it will resume", { operationId, error: String(error) }),
      );
      void running
        .catch(() => undefined)
        .finally(() => {
          active.delete(operationId);
          listeners.delete(operationId);
        });
    }
    return running;
  };

  const tick = async () => {
    if (stopped) return;
    try {
      for (const operationId of await runningOperations(deps.pool)) {
        if (stopped) break;
        if (!active.has(operationId)) void run(operationId).catch(() => undefined);
      }
    } catch (error) {
      logger.warn("cannot list unfinished tag operations", { error: String(error) });
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();

  return {
    run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      // Runs in hand are not awaited: whatever they leave undone is resumed at the next start.
    },
  };
}
