import type { ServerResponse } from "node:http";
import type { ServiceBroker } from "moleculer";
import { metricsRegistry } from "@second-brain/platform";

/**
 * Unauthenticated operational endpoints: liveness, readiness, Prometheus metrics. Readiness asks
 * the broker's registry, so it reflects what the gateway can actually reach right now.
 */
export const DEFAULT_READINESS_SERVICES = ["memory", "memories", "identity"] as const;

export interface Readiness {
  status: "ok" | "unavailable";
  checks: Record<string, "up" | "down">;
}

export function readiness(broker: ServiceBroker, services: readonly string[]): Readiness {
  const available = new Set(
    (broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as { name: string }[]).map(
      (service) => service.name,
    ),
  );
  const checks = Object.fromEntries(
    services.map((name) => [name, available.has(name) ? "up" : "down"] as const),
  );
  return { status: Object.values(checks).every((check) => check === "up") ? "ok" : "unavailable", checks };
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
