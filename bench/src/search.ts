import { randomBytes } from "node:crypto";
import { createLocalEmbedder } from "@second-brain/embeddings";
import { activeModel, documentsTable, ownerStatsTable } from "@second-brain/read-models";
import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase } from "@second-brain/testing";
import { percentile } from "./load.ts";
import { createMemory, keepFresh, registerUser, searchIds, type BenchUser } from "./search/api.ts";
import { bulkLoad } from "./search/bulk-load.ts";
import { planOwners, seededRandom, TOPICS, vocabulary } from "./search/corpus.ts";
import { directSql, type DirectSql } from "./search/direct-sql.ts";
import { printReport, type HnswProbe, type RunFacts, type ScenarioRow } from "./search/report.ts";
import { probeHnswPath, runScenario } from "./search/scenario.ts";
import { cacheBuster, KINDS, modeOf, prepareQueries, type PreparedQuery } from "./search/workload.ts";

// bench/search (issue 3, point 6): owner-scoped semantic, keyword, hybrid and tag-filtered search
// through the gateway of a distributed stack, against the service's own SQL issued directly, with
// recall@10 against exact scans, the index build time and the create → findable delay.
const ROWS = int("BENCH_SEARCH_ROWS", 100_000);
const MAX_QUERIES = int("BENCH_SEARCH_QUERIES", 300);
const MAX_SECONDS = int("BENCH_SEARCH_SECONDS", 10);
const DISTINCT = int("BENCH_SEARCH_DISTINCT", 25);
const LAG_SAMPLES = int("BENCH_SEARCH_LAG_SAMPLES", 30);
const CONCURRENCY = [1, 8];
const random = seededRandom(20_261_126);

function int(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

function progress(message: string): void {
  process.stderr.write(`[bench:search ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function waitForActiveModel(database: { pool: Parameters<typeof activeModel>[0] }): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const model = await activeModel(database.pool).catch(() => undefined);
    if (model) return model;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("The search projection registered no model within 60 s");
}

async function registerAll(baseUrl: string, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      users.push(await registerUser(baseUrl));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return users;
}

/** Creates memories and waits for each to come back from a semantic search of its own content. */
async function measureFindable(baseUrl: string, user: BenchUser): Promise<RunFacts["lag"]> {
  const lags: number[] = [];
  let timeouts = 0;
  // Sample 0 is a warm-up (the projection's model worker loads on its first text): not counted.
  for (let i = 0; i <= LAG_SAMPLES; i++) {
    const content = `${TOPICS[Math.floor(random() * TOPICS.length)]}, probe ${randomBytes(4).toString("hex")}`;
    const id = await createMemory(baseUrl, user, content);
    const created = performance.now();
    const deadline = created + 30_000;
    let found = false;
    while (!found && performance.now() < deadline) {
      const ids = await searchIds(baseUrl, user, {
        query: content,
        mode: "semantic",
        limit: 50,
        filters: {},
      });
      found = ids.includes(id);
      if (!found) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (i === 0) continue;
    if (found) lags.push(performance.now() - created);
    else timeouts++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    samples: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: Math.max(...lags),
    timeouts,
  };
}

const database = await createTestDatabase("sb_bench_search");
let stack: Stack | undefined;
let direct: DirectSql | undefined;
try {
  progress(`starting a distributed stack; ${ROWS} rows`);
  stack = await startStack({ mode: "distributed", databaseUrl: database.url });
  const baseUrl = stack.baseUrl;
  const model = await waitForActiveModel(database);
  const table = documentsTable(model);
  const statsTable = ownerStatsTable(model);

  progress(`embedding ${TOPICS.length} topic sentences with the local model (the cluster centroids)`);
  const embedder = createLocalEmbedder();
  const centroids = await embedder.embed(TOPICS);
  await embedder.close();
  if (embedder.model !== model) throw new Error(`The stack searches with ${model}, not ${embedder.model}`);
  const words = vocabulary(3000, random);

  const plan = planOwners(ROWS, random);
  progress(`registering ${plan.length + 1} owners through the API`);
  const users = await registerAll(baseUrl, plan.length + 1);
  const lagUser = users.pop()!;
  const owners = plan.map((owner, i) => ({ ...owner, user: users[i]! }));

  progress(`bulk-loading ${ROWS} rows into ${table}`);
  const timings = await bulkLoad(
    { databaseUrl: database.url, table, statsTable },
    owners.map((o) => ({ ownerId: o.user.id, rows: o.rows })),
    centroids,
    words,
    random,
    progress,
  );

  direct = directSql(database.url, table, statsTable);
  const smalls = owners.filter((o) => o.label.startsWith("small")).sort((a, b) => a.rows - b.rows);
  const small = smalls[Math.floor(smalls.length / 2)];
  const benched = [owners[1]!, owners[0]!, ...(small ? [small] : [])];

  const rows: ScenarioRow[] = [];
  const forced: HnswProbe[] = [];
  for (const kind of KINDS) {
    for (const owner of benched) {
      const path = modeOf(kind) === "keyword" ? "" : `, ${direct.semanticPath(owner.rows)} path`;
      const ownerName = `${owner.label} (${owner.rows} rows${path})`;
      progress(`${kind}, ${ownerName}: exact scans for ${DISTINCT} queries`);
      const queries = await prepareQueries(direct, kind, owner.user.id, DISTINCT, centroids, words, random);
      const at = (i: number): PreparedQuery => queries[i % queries.length]!;
      // Warm-up: the service embeds each query text once and caches its vector in Redis.
      for (const { query } of queries) {
        await keepFresh(baseUrl, owner.user);
        await searchIds(baseUrl, owner.user, { query: query.text, mode: query.mode, limit: 1, filters: {} });
      }
      if (modeOf(kind) === "semantic") {
        forced.push({ kind, owner: ownerName, ...(await probeHnswPath(direct, queries)) });
      }
      for (const concurrency of CONCURRENCY) {
        progress(`${kind}, ${ownerName}, concurrency ${concurrency}`);
        await keepFresh(baseUrl, owner.user);
        const limits = { concurrency, maxQueries: MAX_QUERIES, maxSeconds: MAX_SECONDS };
        const truth = (i: number) => at(i).truth ?? [];
        const gateway = await runScenario(
          limits,
          (i) => {
            const { query } = at(i);
            return searchIds(baseUrl, owner.user, {
              query: query.text,
              mode: query.mode,
              limit: query.limit,
              filters: { ...(query.filters.tags ? { tags: query.filters.tags } : {}), to: cacheBuster() },
            });
          },
          truth,
        );
        const floor = await runScenario(
          limits,
          (i) => {
            const { query } = at(i);
            return direct!.search({ ...query, filters: { ...query.filters, to: cacheBuster() } });
          },
          truth,
        );
        rows.push({ kind, owner: ownerName, concurrency, gateway, floor });
      }
    }
  }

  progress(`create → findable, ${LAG_SAMPLES} samples`);
  const lag = await measureFindable(baseUrl, lagUser);
  const facts: RunFacts = {
    rows: ROWS,
    owners: owners.length,
    model,
    loadMs: timings.loadMs,
    indexBuildMs: timings.indexBuildMs,
    lag,
    limits: { maxQueries: MAX_QUERIES, maxSeconds: MAX_SECONDS, distinct: DISTINCT },
  };
  printReport(facts, rows, forced);
} catch (error) {
  if (stack) process.stderr.write(`${stack.recentOutput().split("\n").slice(-40).join("\n")}\n`);
  throw error;
} finally {
  await direct?.close();
  await stack?.stop();
  await database.drop();
}
