import { createTestDatabase } from "@second-brain/testing";
import { EMBEDDED_ENTRY, entryPath } from "@second-brain/launcher/processes";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { progress } from "./write-path/children.ts";
import { coldStart, insertFloor, moleculerFloor, pgliteFloor, type ColdStart } from "./write-path/floors.ts";
import { cpuTable, header, ratioTable, runTable } from "./write-path/report.ts";
import type { Row } from "./write-path/run.ts";
import { distributedRows, embeddedRows, withEmbeddingsStandIn } from "./write-path/stacks.ts";

// bench/write-path: creates through the gateway with distinct notes from several users, in the
// distributed mode (every process) and the embedded mode, each beside floors measured in the same
// run, with the CPU each process spent per create and the read-model lag under load.
// BENCH_SECONDS (default 10) per row; BENCH_ONLY=distributed or BENCH_ONLY=embedded runs one mode
// and its floors; BENCH_CONNECTIONS (default "10,50").
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const plan = {
  seconds: SECONDS,
  connections: (process.env.BENCH_CONNECTIONS ?? "10,50").split(",").map(Number),
};
const embedded = process.env.BENCH_ONLY !== "distributed";
const distributed = process.env.BENCH_ONLY !== "embedded";
const here = path.dirname(fileURLToPath(import.meta.url));

const startHeader = header(SECONDS);
const rows: Row[] = [];
const starts: ColdStart[] = [];

if (distributed) {
  const database = await createTestDatabase("sb_bench");
  try {
    rows.push(...(await insertFloor(database, plan)));
  } finally {
    await database.drop();
  }
  rows.push(...(await moleculerFloor(plan)));
}
await withEmbeddingsStandIn(async (embeddings) => {
  if (distributed) rows.push(...(await distributedRows(embeddings, plan)));
  if (embedded) rows.push(...(await embeddedRows(embeddings, plan)));
});
if (embedded) {
  rows.push(...(await pgliteFloor(plan)));
  // A new database starts from a copy of an empty one kept in the user's cache folder
  // (packages/platform/src/pglite-template.ts): the first start on a machine builds that copy, a
  // later start in a new data folder only loads it. Both are measured, with a cache of their own.
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), "sb-bench-cache-"));
  const embeddedStart = (name: string) =>
    coldStart(name, entryPath(EMBEDDED_ENTRY), "/health/ready", (port, dataDir) => ({
      SB_MODE: "embedded",
      PORT: String(port),
      SB_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      XDG_CACHE_HOME: cacheDir,
    }));
  try {
    starts.push(
      await embeddedStart("embedded cold start, first on the machine"),
      await embeddedStart("embedded cold start, new data folder"),
    );
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  starts.push(
    await coldStart(
      "bare PGlite server start",
      path.join(here, "baselines/pglite-transaction-server.ts"),
      "/",
      (port, dataDir) => ({
        PORT: String(port),
        DATA_DIR: dataDir,
      }),
    ),
  );
}
progress("done");

console.log(`\n${startHeader}\n`);
console.log(runTable(rows, SECONDS));
console.log(
  "\nCPU per create, by process (utime+stime from /proc over the load window ÷ requests completed):\n",
);
console.log(cpuTable(rows));
console.log("\nEach figure beside its floor, same run, same connections:\n");
console.log(ratioTable(rows, starts));
