import type { ServerResponse } from "node:http";
import type { ServiceBroker } from "moleculer";
import { metricsRegistry } from "@second-brain/platform";

/**
 * Unauthenticated operational endpoints: liveness, readiness, health details, Prometheus metrics.
 *
 * Readiness is about this gateway alone: it is ready when it can serve, i.e. its HTTP server is up
 * and its broker is connected. A service that is down makes only its own routes answer 503, so an
 * orchestrator must not take every gateway out of rotation for it; that is what health details
 * are for.
 */
export const DEFAULT_READINESS_SERVICES = [
  "memory",
  "memory-views",
  "identity",
  "search",
  "attachment",
  "session",
  "tag",
] as const;

export type HealthStatus = "ok" | "degraded" | "down";

export interface Readiness {
  status: "ok" | "unavailable";
}

export interface ServiceDetails {
  status: HealthStatus;
  /** Each dependency of the service's process (database, event store, cache server). */
  dependencies: Record<string, "ok" | "down">;
  /** The service's read models, when it reports them. */
  readModels?: Record<string, { status: "ok" | "degraded"; parkedStreams: number }>;
}

export interface HealthDetails {
  /** ok: everything is; degraded: some routes answer 503 or serve without the cache; down: not ready. */
  status: HealthStatus;
  services: Record<string, ServiceDetails>;
}

/** What a service's `health` action answers (packages/runtime/src/health.ts). */
interface ServiceHealth {
  status: "up" | "down";
  dependencies: Record<string, "up" | "down">;
  readModels?: ServiceDetails["readModels"];
}

const HEALTH_TIMEOUT_MS = 3000;
/** Without these a service cannot answer; without the others (the cache) it answers more slowly. */
const ESSENTIAL_DEPENDENCIES = new Set(["database", "eventStore"]);

export function readiness(broker: ServiceBroker): Readiness {
  // Without a transporter (the embedded mode) every service is in this process. The transporter's
  // own flag is the one that drops when RabbitMQ goes away (the transit's stays set meanwhile).
  const transporter = (broker.transit as { tx?: { connected?: boolean } } | undefined)?.tx;
  const connected = transporter ? transporter.connected === true : true;
  return { status: broker.started && connected ? "ok" : "unavailable" };
}

/**
 * Asks every service's `health` action (added to every service by the runtime): the `expected`
 * ones, which are down when not registered, and any other that is. A service that does not answer
 * in time is down.
 */
export async function healthDetails(
  broker: ServiceBroker,
  expected: readonly string[],
): Promise<HealthDetails> {
  const registered = (
    broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as { name: string }[]
  ).map((service) => service.name);
  const withHealth = registered.filter((name) => broker.registry.getActionEndpoints(`${name}.health`));
  const names = [...new Set([...expected, ...withHealth])].sort();
  const available = new Set(registered);
  const services = await Promise.all(
    names.map(async (name): Promise<[string, ServiceDetails]> => {
      if (!available.has(name)) return [name, { status: "down", dependencies: {} }];
      // A service without a health action (e.g. run outside the runtime) counts by registration alone.
      if (!broker.registry.getActionEndpoints(`${name}.health`))
        return [name, { status: "ok", dependencies: {} }];
      const health = await broker
        .call<ServiceHealth, object>(`${name}.health`, {}, { timeout: HEALTH_TIMEOUT_MS, retries: 0 })
        .catch(() => undefined);
      return [name, health ? serviceDetails(health) : { status: "down", dependencies: {} }];
    }),
  );
  const statuses = services.map(([, details]) => details.status);
  const status: HealthStatus =
    readiness(broker).status !== "ok" ? "down" : statuses.every((s) => s === "ok") ? "ok" : "degraded";
  return { status, services: Object.fromEntries(services) };
}

function serviceDetails(health: ServiceHealth): ServiceDetails {
  const dependencies = Object.fromEntries(
    Object.entries(health.dependencies ?? {}).map(
      ([name, state]) => [name, state === "up" ? "ok" : "down"] as const,
    ),
  );
  const down = Object.entries(dependencies)
    .filter(([, state]) => state === "down")
    .map(([name]) => name);
  const readModels = health.readModels;
  const degradedModel = Object.values(readModels ?? {}).some((model) => model.status !== "ok");
  const status: HealthStatus = down.some((name) => ESSENTIAL_DEPENDENCIES.has(name))
    ? "down"
    : down.length > 0 || degradedModel
      ? "degraded"
      : "ok";
  return { status, dependencies, ...(readModels ? { readModels } : {}) };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, contentType: string, text: string | Buffer): void {
  res.statusCode = 200;
  res.setHeader("Content-Type", contentType);
  res.end(text);
}

export async function sendMetrics(res: ServerResponse): Promise<void> {
  sendText(res, metricsRegistry.contentType, await metricsRegistry.metrics());
}
