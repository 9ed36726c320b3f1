import { rm } from "node:fs/promises";
import { LOCAL_MODEL_NAME } from "@second-brain/embeddings";
import { documentsTable } from "@second-brain/read-models";
import { createTestDatabase, startStack, type Stack, type TestDatabase } from "@second-brain/testing";
import { progress } from "../write-path/children.ts";
import { cpuBetween, postgresPids, snapshot, type ProcessGroup } from "../write-path/cpu.ts";
import { notesOf, registerUsers, type NextRequest } from "../write-path/drive.ts";
import { NOTES_SEED } from "./texts.ts";
import { threadCpu, threadCpuBetween, type ThreadCpu } from "./threads.ts";

const USERS = 8;
/** Creates in flight at once: enough to keep the gateway busy, as a bulk import would. */
const CREATE_CONCURRENCY = 16;
const POLL_MS = 200;

export interface Sample {
  /** ms since the creates started. */
  atMs: number;
  documents: number;
}

/** CPU over one window: the search-index process by thread, PostgreSQL, the rest of the stack. */
export interface WindowCpu {
  /** From the window's start to its last document (the 200 ms samples). */
  seconds: number;
  /** From the window's first CPU reading to its last (the end is seen up to a poll later). */
  cpuSeconds: number;
  /** Documents the projection wrote in the window. */
  texts: number;
  searchIndexThreads: ThreadCpu;
  /** Group name → CPU ms: "PostgreSQL" and every other process of the stack. */
  processes: Map<string, number>;
}

export interface ProjectionRun {
  notes: number;
  users: number;
  createSeconds: number;
  /** From the first create to the last document written. */
  totalSeconds: number;
  /** Documents already written when the last create was answered. */
  documentsAtCreatesEnd: number;
  whole: WindowCpu;
  catchUp: WindowCpu;
  samples: Sample[];
}

/**
 * The distributed stack on a fresh database with the product's default embedder (the local model),
 * fed `notes` distinct notes through the gateway as fast as it takes them, while the search
 * documents table is counted every 200 ms. The model is warmed first with one memory.
 */
export async function runProjection(notes: number): Promise<ProjectionRun> {
  const database = await createTestDatabase("sb_bench_embed");
  try {
    progress("starting the distributed mode with the local embedding model");
    const stack = await startStack({
      mode: "distributed",
      databaseUrl: database.url,
      env: { EMBEDDINGS_PROVIDER: "local" },
    });
    try {
      return await measure(stack, database, notes);
    } finally {
      await stack.stop();
      await rm(stack.dataDir, { recursive: true, force: true });
    }
  } finally {
    await database.drop();
  }
}

async function measure(stack: Stack, database: TestDatabase, notes: number): Promise<ProjectionRun> {
  const table = documentsTable(LOCAL_MODEL_NAME);
  const count = async () => {
    const { rows } = await database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]!.n);
  };
  const searchIndexPid = () => stack.pids()["search-index"]!;
  const groups: ProcessGroup[] = [
    { name: "PostgreSQL", underTest: true, pids: postgresPids(database.name) },
    ...Object.keys(stack.pids()).map((name) => ({
      name,
      underTest: true,
      pids: () => [stack.pids()[name]].filter((pid): pid is number => pid !== undefined),
    })),
  ];

  progress(`registering ${USERS} users`);
  const tokens = await registerUsers(stack.baseUrl, USERS);
  progress("warming the model: one memory, until its search document exists");
  await createOne(stack.baseUrl, {
    headers: { authorization: `Bearer ${tokens[0]}`, "content-type": "application/json" },
    body: JSON.stringify({ content: "Warm-up note: the model loads on the first text it embeds.", tags: [] }),
  });
  await waitFor(async () => (await count()) >= 1, 180_000, "the warm-up memory's search document");
  const base = await count();

  progress(`creating ${notes} distinct notes over ${USERS} users, ${CREATE_CONCURRENCY} in flight`);
  const started = performance.now();
  const samples: Sample[] = [];
  const reading = () => ({
    atMs: performance.now() - started,
    threads: threadCpu(searchIndexPid()),
    processes: snapshot(groups),
  });
  const atStart = reading();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      samples.push({ atMs: performance.now() - started, documents: (await count()) - base });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();

  const next = notesOf(tokens, NOTES_SEED);
  let sent = 0;
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (sent < notes) {
        sent++;
        await createOne(stack.baseUrl, next());
      }
    }),
  );
  const createSeconds = (performance.now() - started) / 1000;
  const atCreatesEnd = reading();
  const documentsAtCreatesEnd = (await count()) - base;
  progress(
    `creates done in ${createSeconds.toFixed(1)} s; ${documentsAtCreatesEnd} documents so far, waiting for the rest`,
  );

  let lastReport = performance.now();
  await waitFor(
    async () => {
      const documents = samples.at(-1)?.documents ?? 0;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        progress(`${documents} of ${notes} documents`);
      }
      return documents >= notes;
    },
    Math.max(600_000, notes * 1_000),
    "every note's search document",
  );
  const atEnd = reading();
  polling = false;
  await poller;
  const finished = samples.find((sample) => sample.documents >= notes)!;
  const totalSeconds = finished.atMs / 1000;
  type Reading = ReturnType<typeof reading>;
  const window = (from: Reading, to: Reading, seconds: number, texts: number): WindowCpu => ({
    seconds,
    cpuSeconds: (to.atMs - from.atMs) / 1000,
    texts,
    searchIndexThreads: threadCpuBetween(from.threads, to.threads),
    processes: cpuBetween(from.processes, to.processes),
  });
  return {
    notes,
    users: USERS,
    createSeconds,
    totalSeconds,
    documentsAtCreatesEnd,
    whole: window(atStart, atEnd, totalSeconds, notes),
    catchUp: window(atCreatesEnd, atEnd, totalSeconds - createSeconds, notes - documentsAtCreatesEnd),
    samples,
  };
}

async function createOne(baseUrl: string, request: ReturnType<NextRequest>): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v1/memories`, { method: "POST", ...request });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

async function waitFor(done: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
