import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { postgresPids, pidsByName, residentMiB, type ProcessGroup } from "./cpu.ts";
import { forkReady, freePort, progress, stopChild } from "./children.ts";
import { notesOf } from "./drive.ts";
import { measure, type Row } from "./run.ts";

/** The floors: the same load on bare servers doing only the unavoidable part of a write. */
export const RABBITMQ: ProcessGroup = {
  name: "RabbitMQ",
  underTest: true,
  pids: pidsByName("beam.smp", "epmd"),
};
export const REDIS: ProcessGroup = { name: "Redis", underTest: true, pids: pidsByName("redis-server") };

/** How long each row runs, and at which connection counts. */
export interface Plan {
  connections: number[];
  seconds: number;
}

/** A row per connection count, on a floor server that is already running. */
async function floorRows(name: string, url: string, groups: ProcessGroup[], plan: Plan): Promise<Row[]> {
  const rows: Row[] = [];
  for (const conns of plan.connections) {
    rows.push(await measure(name, conns, plan.seconds, groups, { url, next: notesOf(["none"], conns) }));
  }
  return rows;
}

/** node:http + one INSERT per request on the same PostgreSQL. */
export async function insertFloor(database: { name: string; url: string }, plan: Plan): Promise<Row[]> {
  const port = await freePort();
  const server = await forkReady("baselines/insert-server.ts", [], {
    DATABASE_URL: database.url,
    PORT: String(port),
  });
  const groups: ProcessGroup[] = [
    { name: "insert server", underTest: true, pids: () => [server.pid!] },
    { name: "PostgreSQL", underTest: true, pids: postgresPids(database.name) },
  ];
  const rows = await floorRows("floor: node:http + one INSERT", `http://127.0.0.1:${port}/`, groups, plan);
  await stopChild(server);
  return rows;
}

/** moleculer-web in one process calling an action in another over the same RabbitMQ. */
export async function moleculerFloor(plan: Plan): Promise<Row[]> {
  const namespace = `bench-${randomBytes(4).toString("hex")}`;
  const port = await freePort();
  const service = await forkReady("baselines/moleculer-echo.ts", ["service"], { SB_NAMESPACE: namespace });
  const gateway = await forkReady("baselines/moleculer-echo.ts", ["gateway"], {
    SB_NAMESPACE: namespace,
    PORT: String(port),
  });
  const groups: ProcessGroup[] = [
    { name: "echo gateway", underTest: true, pids: () => [gateway.pid!] },
    { name: "echo service", underTest: true, pids: () => [service.pid!] },
    RABBITMQ,
  ];
  const rows = await floorRows(
    "floor: moleculer-web → action, AMQP",
    `http://127.0.0.1:${port}/echo`,
    groups,
    plan,
  );
  await Promise.all([stopChild(gateway), stopChild(service)]);
  return rows;
}

/** node:http + BEGIN; INSERT; INSERT; COMMIT on PGlite in a fresh folder. */
export async function pgliteFloor(plan: Plan): Promise<Row[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-pglite-"));
  const port = await freePort();
  const server = await forkReady("baselines/pglite-transaction-server.ts", [], {
    DATA_DIR: dataDir,
    PORT: String(port),
  });
  const groups: ProcessGroup[] = [{ name: "PGlite server", underTest: true, pids: () => [server.pid!] }];
  const rows = await floorRows(
    "floor: node:http + PGlite transaction",
    `http://127.0.0.1:${port}/`,
    groups,
    plan,
  );
  await stopChild(server);
  await rm(dataDir, { recursive: true, force: true });
  return rows;
}

export interface ColdStart {
  name: string;
  seconds: number;
  /** Resident memory when `readyPath` first answered. */
  residentMiB: number;
  /**
   * Resident memory SETTLE_MS later, idle: right after start V8 is still compiling PGlite's hot
   * WebAssembly functions in the background, and the resident size swings by 200–400 MiB for a
   * second or two before it falls back (docs/benchmarks.md).
   */
  settledMiB: number;
}

const SETTLE_MS = 5_000;

/**
 * From launching `entry` with node on an empty data folder to `readyPath` answering 200, and the
 * process's resident memory at that moment and once settled.
 */
export async function coldStart(
  name: string,
  entry: string,
  readyPath: string,
  env: (port: number, dataDir: string) => Record<string, string>,
): Promise<ColdStart> {
  progress(`cold start: ${name}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-cold-"));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env(port, dataDir) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}${readyPath}`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const atReady = residentMiB(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { name, seconds, residentMiB: atReady, settledMiB: residentMiB(child.pid!) };
  } finally {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}
