import type { Service, ServiceSchema } from "moleculer";
import type { ReadModelHealth } from "@second-brain/platform";
import type { Resources } from "./resources.ts";

export type DependencyStatus = "up" | "down";

export interface ServiceHealth {
  status: DependencyStatus;
  dependencies: Record<string, DependencyStatus>;
  /**
   * The read models this service runs, by name: "degraded" while any stream is parked (its events
   * are skipped until an admin re-applies it). Absent when the service runs none.
   */
  readModels?: Record<string, ReadModelHealth>;
}

const CHECK_TIMEOUT_MS = 2000;

/** A service that runs a read model has this method (platform's readModelAdminMixin). */
interface ReadModelReporter {
  readModelHealth?(): Promise<Record<string, ReadModelHealth> | undefined>;
}

/**
 * Gives every service a `health` action that tries each dependency of its process (database,
 * event store, cache server) with a short timeout, so readiness reports what is actually reachable
 * and not only which services are registered.
 */
export function healthMixin(resources: Resources): Partial<ServiceSchema> {
  const checks: Record<string, () => Promise<unknown>> = {
    database: () => resources.pool.query("SELECT 1"),
    eventStore: () => resources.store.streamVersion("health-check"),
    ...(resources.cache.ping ? { cache: () => resources.cache.ping!() } : {}),
  };
  return {
    actions: {
      health: {
        visibility: "public",
        async handler(this: Service & ReadModelReporter): Promise<ServiceHealth> {
          const entries = await Promise.all(
            Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const),
          );
          const dependencies = Object.fromEntries(entries);
          const status = entries.every(([, result]) => result === "up") ? "up" : "down";
          const readModels = await this.readModelHealth?.();
          return { status, dependencies, ...(readModels ? { readModels } : {}) };
        },
      },
    },
  };
}

async function probe(check: () => Promise<unknown>): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "up";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
