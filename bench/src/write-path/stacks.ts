import { rm } from "node:fs/promises";
import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase } from "@second-brain/testing";
import { postgresPids, type ProcessGroup } from "./cpu.ts";
import { forkReady, freePort, progress, stopChild } from "./children.ts";
import { drive, notesOf, registerUsers } from "./drive.ts";
import { RABBITMQ, REDIS, type Plan } from "./floors.ts";
import { measure, measureIdle, type Row } from "./run.ts";

/** Users the load is spread over; the lag sampler is one more, of its own. */
const USERS = 8;
const DIMENSIONS = 512;

export interface Embeddings {
  /** Configures a stack to embed with the stand-in. */
  env: Record<string, string>;
  standIn: ProcessGroup;
}

/**
 * Runs `body` with the OpenAI-compatible embeddings provider pointed at a local stand-in, started
 * here in a process of its own.
 */
export async function withEmbeddingsStandIn<T>(body: (embeddings: Embeddings) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server = await forkReady("write-path/embeddings-server.ts", [], { PORT: String(port) });
  const env = {
    EMBEDDINGS_PROVIDER: "openai",
    OPENAI_API_KEY: "bench",
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    OPENAI_EMBEDDING_DIMENSIONS: String(DIMENSIONS),
  };
  try {
    return await body({
      env,
      standIn: { name: "embeddings stand-in", underTest: false, pids: () => [server.pid!] },
    });
  } finally {
    await stopChild(server);
  }
}

const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const SETTLE_MS = 3_000;

async function benchStack(
  name: string,
  stack: Stack,
  groups: ProcessGroup[],
  { connections, seconds }: Plan,
): Promise<Row[]> {
  progress(`${name}: registering ${USERS} users and a lag probe`);
  const tokens = await registerUsers(stack.baseUrl, USERS);
  const [probe] = await registerUsers(stack.baseUrl, 1);
  // A fresh stack spends its first seconds compiling: V8 tiers up the hot code of every process
  // (and of PGlite's WebAssembly) on its own threads, 250-270 ms of CPU a second for the embedded
  // process, falling to 25-45 within ten seconds. Measured from a cold start, a 5 s window put that
  // start-up on the creates. So the load runs unmeasured first, the read models catch up, and
  // only then are idle and each load measured.
  progress(`${name}: warming up, ${WARMUP_SECONDS} s`);
  await drive(
    `${stack.baseUrl}/api/v1/memories`,
    Math.max(...connections),
    WARMUP_SECONDS,
    notesOf(tokens, 0),
  );
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const idleMsPerSecond = await measureIdle(groups, Math.min(5, seconds));
  const rows: Row[] = [];
  for (const conns of connections) {
    const row = await measure(name, conns, seconds, groups, {
      url: `${stack.baseUrl}/api/v1/memories`,
      next: notesOf(tokens, conns),
      lag: { baseUrl: stack.baseUrl, token: probe! },
    });
    rows.push({ ...row, idleMsPerSecond });
  }
  return rows;
}

/** Each process of the stack by name, as it runs now. */
function stackGroups(stack: Stack): ProcessGroup[] {
  return Object.keys(stack.pids()).map((name) => ({
    name,
    underTest: true,
    pids: () => [stack.pids()[name]].filter((pid): pid is number => pid !== undefined),
  }));
}

export async function distributedRows({ env, standIn }: Embeddings, plan: Plan): Promise<Row[]> {
  const database = await createTestDatabase("sb_bench_dist");
  progress("starting the distributed mode (every process)");
  const stack = await startStack({ mode: "distributed", databaseUrl: database.url, env });
  try {
    const groups = [
      ...stackGroups(stack),
      { name: "PostgreSQL", underTest: true, pids: postgresPids(database.name) },
      RABBITMQ,
      REDIS,
      standIn,
    ];
    return await benchStack("Second Brain, distributed", stack, groups, plan);
  } finally {
    await stack.stop();
    // The stack keeps a distributed mode's folder (attachments); this one is the bench's own.
    await rm(stack.dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

export async function embeddedRows({ env, standIn }: Embeddings, plan: Plan): Promise<Row[]> {
  progress("starting the embedded mode");
  const stack = await startStack({ mode: "embedded", env });
  try {
    return await benchStack("Second Brain, embedded (PGlite)", stack, [...stackGroups(stack), standIn], plan);
  } finally {
    await stack.stop();
  }
}
