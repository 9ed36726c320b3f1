import { fork, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startStack, type Stack } from "@second-brain/testing";
import { createTestDatabase } from "@second-brain/testing";
import { load, percentile, type LoadResult } from "./load.ts";

// bench/write-path: creates per second and latency through the gateway, embedded and distributed,
// against two floors measured in the same run (a bare INSERT server on the same PostgreSQL and a
// bare moleculer-web → action round trip over the same RabbitMQ), plus projection lag under load.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = [10, 50];
const here = path.dirname(fileURLToPath(import.meta.url));
const body = JSON.stringify({
  content: "Decided to ship the write path on Friday after the review",
  tags: ["bench"],
});
const rows: Array<{ name: string; connections: number } & LoadResult & { lagP50?: number; lagP99?: number }> =
  [];

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function forkReady(script: string, args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(path.join(here, script), args, { env: { ...process.env, ...env }, stdio: "inherit" });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Samples the time from a 201 to the memory being listed (read model), while the load runs. */
async function sampleLag(baseUrl: string, token: string, stopAt: number): Promise<number[]> {
  const lags: number[] = [];
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  while (Date.now() < stopAt) {
    const res = await fetch(`${baseUrl}/api/v1/memories`, {
      method: "POST",
      headers,
      body: JSON.stringify({ content: "lag probe" }),
    });
    const { id } = (await res.json()) as { id: string };
    const created = performance.now();
    for (;;) {
      const list = (await (await fetch(`${baseUrl}/api/v1/memories?limit=1`, { headers })).json()) as {
        items: { id: string }[];
      };
      if (list.items[0]?.id === id) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    lags.push(performance.now() - created);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return lags;
}

async function register(baseUrl: string): Promise<string> {
  const credentials = JSON.stringify({
    email: `bench-${randomUUID()}@example.com`,
    password: randomBytes(12).toString("hex"),
  });
  const post = (path: string) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: credentials,
    });
  await (await post("/api/v1/auth/register")).text();
  return ((await (await post("/api/v1/auth/login")).json()) as { accessToken: string }).accessToken;
}

async function benchStack(name: string, stack: Stack): Promise<void> {
  const token = await register(stack.baseUrl);
  const probeToken = await register(stack.baseUrl);
  for (const connections of CONNECTIONS) {
    progress(`${name}, ${connections} connections, ${SECONDS} s`);
    const stopAt = Date.now() + SECONDS * 1000;
    const [result, lags] = await Promise.all([
      load(`${stack.baseUrl}/api/v1/memories`, connections, SECONDS, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      }),
      sampleLag(stack.baseUrl, probeToken, stopAt),
    ]);
    rows.push({ name, connections, ...result, lagP50: percentile(lags, 50), lagP99: percentile(lags, 99) });
  }
}

const database = await createTestDatabase("sb_bench");
try {
  const insertPort = await freePort();
  const insertServer = await forkReady("baselines/insert-server.ts", [], {
    DATABASE_URL: database.url,
    PORT: String(insertPort),
  });
  for (const connections of CONNECTIONS) {
    progress(`bare HTTP + INSERT, ${connections} connections`);
    const result = await load(`http://127.0.0.1:${insertPort}/`, connections, SECONDS, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    rows.push({ name: "floor: node:http + one INSERT", connections, ...result });
  }
  await stopChild(insertServer);

  const namespace = `bench-${randomBytes(4).toString("hex")}`;
  const echoPort = await freePort();
  const echoService = await forkReady("baselines/moleculer-echo.ts", ["service"], {
    SB_NAMESPACE: namespace,
  });
  const echoGateway = await forkReady("baselines/moleculer-echo.ts", ["gateway"], {
    SB_NAMESPACE: namespace,
    PORT: String(echoPort),
  });
  for (const connections of CONNECTIONS) {
    progress(`bare moleculer-web → action over RabbitMQ, ${connections} connections`);
    const result = await load(`http://127.0.0.1:${echoPort}/echo`, connections, SECONDS, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    rows.push({ name: "floor: moleculer-web → action, AMQP", connections, ...result });
  }
  await Promise.all([stopChild(echoGateway), stopChild(echoService)]);

  const distributedDb = await createTestDatabase("sb_bench_dist");
  const distributed = await startStack({ mode: "distributed", databaseUrl: distributedDb.url });
  await benchStack("Second Brain, distributed", distributed);
  await distributed.stop();
  await distributedDb.drop();

  const embedded = await startStack({ mode: "embedded" });
  await benchStack("Second Brain, embedded (PGlite)", embedded);
  await embedded.stop();
} finally {
  await database.drop();
}

const floor = (prefix: string, connections: number) =>
  rows.find((r) => r.name.startsWith(prefix) && r.connections === connections)!;
const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
console.log(
  `\nwrite path on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown cpu"}), Node ${process.version}, ${SECONDS} s per row\n`,
);
console.log(
  "| what | conns | creates/s | p50 ms | p99 ms | errors | vs INSERT floor | vs moleculer floor | lag p50 ms | lag p99 ms |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const row of rows) {
  const insert = floor("floor: node:http", row.connections);
  const mol = floor("floor: moleculer", row.connections);
  console.log(
    `| ${row.name} | ${row.connections} | ${fmt(row.requestsPerSecond, 0)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${row.errors} | ${fmt(row.requestsPerSecond / insert.requestsPerSecond, 2)} | ${fmt(row.requestsPerSecond / mol.requestsPerSecond, 2)} | ${fmt(row.lagP50)} | ${fmt(row.lagP99)} |`,
  );
}
console.log(
  "\nlag: time from a create's 201 to the memory appearing in a list through the gateway, sampled every ~100 ms by a second user while the load runs.",
);
