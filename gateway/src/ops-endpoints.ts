import type { ServerResponse } from "node:http";
import type { ServiceBroker } from "moleculer";
import { metricsRegistry } from "@second-brain/platform";

/**
 * Unauthenticated operational endpoints: liveness, readiness, Prometheus metrics. Readiness asks
 * the broker's registry, so it reflects what the gateway can actually reach right now.
 */
export const DEFAULT_READINESS_SERVICES = [
  "memory",
  "memories",
  "identity",
  "search",
  "attachment",
  "session",
  "tag",
] as const;

export interface Readiness {
  status: "ok" | "unavailable";
  /** Each service: up when it is reachable and every dependency of its process answers. */
  checks: Record<string, "up" | "down">;
  /** Each service's own dependencies (database, event store, cache server), as it reports them. */
  dependencies: Record<string, Record<string, "up" | "down">>;
}

interface ServiceHealth {
  status: "up" | "down";
  dependencies: Record<string, "up" | "down">;
}

const HEALTH_TIMEOUT_MS = 3000;

/**
 * Asks each service's `health` action (added to every service by the runtime). A service that is
 * not registered, does not answer in time, or reports a dependency down makes the gateway unready.
 */
export async function readiness(broker: ServiceBroker, services: readonly string[]): Promise<Readiness> {
  const available = new Set(
    (broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as { name: string }[]).map(
      (service) => service.name,
    ),
  );
  const results = await Promise.all(
    services.map(async (name): Promise<[string, ServiceHealth | undefined]> => {
      if (!available.has(name)) return [name, undefined];
      // A service without a health action (e.g. run outside the runtime) counts by registration alone.
      if (!broker.registry.getActionEndpoints(`${name}.health`))
        return [name, { status: "up", dependencies: {} }];
      const health = await broker
        .call<ServiceHealth, object>(`${name}.health`, {}, { timeout: HEALTH_TIMEOUT_MS, retries: 0 })
        .catch(() => undefined);
      return [name, health];
    }),
  );
  const checks = Object.fromEntries(
    results.map(([name, health]) => [name, health?.status ?? "down"] as const),
  );
  const dependencies = Object.fromEntries(
    results.map(([name, health]) => [name, health?.dependencies ?? {}]),
  );
  return {
    status: Object.values(checks).every((check) => check === "up") ? "ok" : "unavailable",
    checks,
    dependencies,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, contentType: string, text: string): void {
  res.statusCode = 200;
  res.setHeader("Content-Type", contentType);
  res.end(text);
}

export async function sendMetrics(res: ServerResponse): Promise<void> {
  sendText(res, metricsRegistry.contentType, await metricsRegistry.metrics());
}
