import { progress } from "./write-path/children.ts";
import { measureFloor, type FloorResult } from "./embedding/floor.ts";
import { runProjection } from "./embedding/projection-run.ts";
import {
  cpuTable,
  floorTable,
  header,
  projectionTable,
  ratioTable,
  restOfStackTable,
} from "./embedding/report.ts";

// bench/embedding-throughput: the local embedding model's texts/s inside the search projection of
// the distributed stack, against the same model in a tight loop of its own (the floor), measured
// before and after the stack in the same run. BENCH_SECONDS (default 15): the floor's window;
// BENCH_NOTES: notes to create (default: what the floor embeds in BENCH_SECONDS + 10 s, so the
// catch-up after the creates lasts about BENCH_SECONDS at the floor's rate).
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PRODUCT_BATCH = 32;

const startHeader = header(SECONDS);
const before = await measureFloor(SECONDS, [PRODUCT_BATCH, 8, 1]);
const floorBefore = before.find((r) => r.batchSize === PRODUCT_BATCH)!;
const notes = Number(process.env.BENCH_NOTES ?? Math.round(floorBefore.textsPerSecond * (SECONDS + 10)));
const run = await runProjection(notes);
const after = await measureFloor(SECONDS, [PRODUCT_BATCH]);
const floorAfter = after[0]!;
progress("done");

// The machine drifts: the floor is the mean of the one before the stack and the one after it.
const mean = (pick: (r: FloorResult) => number) => (pick(floorBefore) + pick(floorAfter)) / 2;
console.log(`\n${startHeader}\n`);
console.log(
  floorTable([
    { when: "before the stack", results: before },
    { when: "after the stack", results: after },
  ]),
);
console.log(
  "\nThe search projection (distributed stack, default local embedder), documents counted every 200 ms:\n",
);
console.log(projectionTable(run));
console.log("\nAgainst the floor (mean of before and after, batches of 32):\n");
console.log(
  ratioTable(
    run,
    mean((r) => r.textsPerSecond),
  ),
);
console.log(
  "\nWhere the CPU went (utime+stime from /proc, per thread of search-index and per process; ms per document written, and ÷ wall time):\n",
);
console.log(
  cpuTable(
    run,
    mean((r) => r.cpuMsPerText),
  ),
);
console.log("\nThe rest of the stack, by process:\n");
console.log(restOfStackTable(run));
