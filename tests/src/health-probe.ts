/** One look at the gateway's health endpoints during a fault test. */
import { checkedFetch } from "./openapi-responses.ts";
export interface HealthSample {
  at: number;
  /** /health/ready's status, or 0 when it did not answer. */
  ready: number;
  /** Each service's dependencies as /health/details reported them, when it answered. */
  details: HealthDetails | undefined;
}

export interface HealthDetails {
  status: "ok" | "degraded" | "down";
  services: Record<string, { status: string; dependencies: Record<string, string> }>;
}

/** Samples /health/ready and /health/details every `intervalMs` until stopped. */
export function startHealthProbe(
  baseUrl: string,
  intervalMs = 500,
): { samples: HealthSample[]; stop(): Promise<HealthSample[]> } {
  const samples: HealthSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const [ready, details] = await Promise.all([
        checkedFetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) }).then(
          (r) => r.status,
          () => 0,
        ),
        checkedFetch(`${baseUrl}/health/details`, { signal: AbortSignal.timeout(5000) }).then(
          async (r) => (r.ok ? ((await r.json()) as HealthDetails) : undefined),
          () => undefined,
        ),
      ]);
      samples.push({ at, ready, details });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}
