import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Drives `url` with `connections` concurrent keep-alive connections for `seconds`. */
export async function load(
  url: string,
  connections: number,
  seconds: number,
  request: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, ...request });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
