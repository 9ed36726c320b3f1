import { percentile } from "../load.ts";
import type { DirectSql } from "./direct-sql.ts";
import type { PreparedQuery } from "./workload.ts";

/**
 * Runs `task` from `concurrency` loops until `maxQueries` have been sent or `maxSeconds` have
 * passed, whichever comes first, and summarises latency, throughput, rows returned and recall.
 * A task returns the ids it got back; `truth(i)` is the exact top-10 for query i, when known.
 */
export interface ScenarioLimits {
  concurrency: number;
  maxQueries: number;
  maxSeconds: number;
}

export interface ScenarioResult {
  queries: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  queriesPerSecond: number;
  meanRows: number;
  /** Mean recall@10 against the exact scan; undefined when the mode has no exact counterpart here. */
  recall: number | undefined;
  /** Share of queries with recall 1 (every exact top-10 id returned). */
  fullRecallShare: number | undefined;
}

export async function runScenario(
  limits: ScenarioLimits,
  task: (i: number) => Promise<string[]>,
  truth: ((i: number) => readonly string[]) | undefined,
): Promise<ScenarioResult> {
  const latencies: number[] = [];
  const rows: number[] = [];
  const recalls: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = performance.now() + limits.maxSeconds * 1000;
  const started = performance.now();
  const loop = async () => {
    while (next < limits.maxQueries && performance.now() < deadline) {
      const i = next++;
      const begun = performance.now();
      try {
        const ids = await task(i);
        latencies.push(performance.now() - begun);
        rows.push(ids.length);
        const expected = truth?.(i);
        if (expected && expected.length > 0) recalls.push(recallAt10(ids, expected));
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  return {
    queries: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    queriesPerSecond: latencies.length / elapsed,
    meanRows: mean(rows),
    recall: recalls.length > 0 ? mean(recalls) : undefined,
    fullRecallShare: recalls.length > 0 ? recalls.filter((r) => r === 1).length / recalls.length : undefined,
  };
}

export function recallAt10(got: readonly string[], expected: readonly string[]): number {
  const wanted = expected.slice(0, 10);
  const found = new Set(got.slice(0, 10));
  return wanted.filter((id) => found.has(id)).length / wanted.length;
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The service's HNSW path forced for every owner, one query at a time: at a small BENCH_SEARCH_ROWS
 * no owner reaches the threshold, and for small owners it shows why they take the exact path.
 */
export async function probeHnswPath(
  direct: DirectSql,
  queries: readonly PreparedQuery[],
): Promise<{ recall: number; meanRows: number; p50: number }> {
  const recalls: number[] = [];
  const rows: number[] = [];
  const latencies: number[] = [];
  for (const { query, truth } of queries) {
    const begun = performance.now();
    const ids = await direct.hnswTop(query, query.limit);
    latencies.push(performance.now() - begun);
    rows.push(ids.length);
    if (truth && truth.length > 0) recalls.push(recallAt10(ids, truth));
  }
  return { recall: mean(recalls), meanRows: mean(rows), p50: percentile(latencies, 50) };
}
