import os from "node:os";
import { TOPICS } from "./corpus.ts";
import type { ScenarioResult } from "./scenario.ts";

export interface ScenarioRow {
  kind: string;
  owner: string;
  concurrency: number;
  gateway: ScenarioResult;
  floor: ScenarioResult;
}

export interface HnswProbe {
  kind: string;
  owner: string;
  recall: number;
  meanRows: number;
  p50: number;
}

export interface RunFacts {
  rows: number;
  owners: number;
  model: string;
  loadMs: number;
  indexBuildMs: Map<string, number>;
  lag: { samples: number; p50: number; p99: number; max: number; timeouts: number };
  limits: { maxQueries: number; maxSeconds: number; distinct: number };
}

const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);

export function printReport(
  facts: RunFacts,
  rows: readonly ScenarioRow[],
  forced: readonly HnswProbe[],
): void {
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  console.log(
    `\nbench/search on ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, distributed stack (RabbitMQ), PostgreSQL with pgvector`,
  );
  console.log(
    `${facts.rows} memories over ${facts.owners} owners, model ${facts.model}. The vectors were BULK-LOADED into the ` +
      `search table (synthetic: documents clustered around the real embeddings of ${TOPICS.length} topic sentences, ` +
      `which are the semantic queries), not embedded from the log.`,
  );
  console.log(`load: ${fmt(facts.loadMs / 1000, 1)} s (multi-row INSERTs, indexes dropped)`);
  for (const [name, ms] of facts.indexBuildMs) {
    console.log(`index build ${name}: ${fmt(ms / 1000, 2)} s (maintenance_work_mem 1GB, 2 parallel workers)`);
  }
  console.log(
    `each scenario: at most ${facts.limits.maxQueries} queries or ${facts.limits.maxSeconds} s, cycling over ` +
      `${facts.limits.distinct} distinct queries per owner and mode; limit 10.\n`,
  );
  console.log(
    "| query | owner | conc | queries | q/s | p50 ms | p95 ms | p99 ms | rows | recall@10 | all 10 | floor q/s | floor p50 | floor p99 | floor recall | p50 ×floor | q/s ÷floor | errors |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const g = row.gateway;
    const f = row.floor;
    console.log(
      `| ${row.kind} | ${row.owner} | ${row.concurrency} | ${g.queries} | ${fmt(g.queriesPerSecond, 0)} | ${fmt(g.p50)} | ${fmt(g.p95)} | ${fmt(g.p99)} | ${fmt(g.meanRows)} | ${fmt(g.recall, 3)} | ${fmt(g.fullRecallShare, 2)} | ${fmt(f.queriesPerSecond, 0)} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.recall, 3)} | ${fmt(g.p50 / f.p50, 2)} | ${fmt(g.queriesPerSecond / f.queriesPerSecond, 2)} | ${g.errors + f.errors} |`,
    );
  }
  console.log(
    "\nThe service's HNSW path (iterative scan, relaxed order, candidates re-ranked exactly) forced for every owner,\n" +
      "direct SQL, concurrency 1 — what owners below the exact-path threshold would get without it:\n",
  );
  console.log("| query | owner | rows | recall@10 | p50 ms |");
  console.log("|---|---|---|---|---|");
  for (const probe of forced) {
    console.log(
      `| ${probe.kind} | ${probe.owner} | ${fmt(probe.meanRows)} | ${fmt(probe.recall, 3)} | ${fmt(probe.p50)} |`,
    );
  }
  console.log(
    `\ncreate → findable: p50 ${fmt(facts.lag.p50)} ms, p99 ${fmt(facts.lag.p99)} ms, max ${fmt(facts.lag.max)} ms over ${facts.lag.samples} samples ` +
      `(${facts.lag.timeouts} timed out): from the 201 of POST /api/v1/memories to POST /api/v1/search (semantic, the content as query) ` +
      `returning it; real embedding by the search projection; one warm-up sample first, not counted.`,
  );
  console.log(
    [
      "",
      "Notes:",
      "- recall@10 is against an exact scan of the owner's rows (ORDER BY cosine distance, no index). Hybrid is compared",
      "  with the exact semantic candidates fused with the keyword candidates (RRF), i.e. the answer with exact vectors;",
      "  keyword search is exact by construction. 'all 10' is the share of queries whose exact top-10 came back whole.",
      "- floor: the search service's own SQL adapters called directly on a pool of 10 (same statements, same order,",
      "  minus the query embedding, which the service has cached in Redis after a warm-up).",
      "- every request carries a distinct no-op `to` filter (year 2100) so the service's result cache never answers;",
      "  query vectors are warm in Redis, as for repeated queries.",
      "- 'semantic+tag' is a semantic query filtered on one tag carried by about one row in six.",
    ].join("\n"),
  );
}
