import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { progress } from "./write-path/children.ts";
import { moleculerFloor } from "./write-path/floors.ts";
import { cpuPerRequest, type Row } from "./write-path/run.ts";
import { distributedRows, withEmbeddingsStandIn } from "./write-path/stacks.ts";

// bench/write-path-check: the CI guard on the write path's cost. It measures the CPU a create costs
// in the distributed mode (every process, PostgreSQL, RabbitMQ and Redis) as a multiple of what one
// request costs the moleculer-web → AMQP floor in the same run (measured before and after, and
// their mean taken, since the machine drifts), and fails when that multiple is more than 1.5 times
// the one committed in bench/baselines/write-path.json. The machine is shared and noisy (one run
// measured 12.5 and the next 21.7 with nothing changed), so a check that fails is tried again, up
// to three times: a real regression fails every time. `--record` measures three times and commits
// the median as the new baseline. BENCH_SECONDS (default 5) per row, 50 connections.
const here = path.dirname(fileURLToPath(import.meta.url));
const BASELINE = path.join(here, "../baselines/write-path.json");
const ALLOWED_GROWTH = 1.5;
const ATTEMPTS = 3;
const plan = { seconds: Number(process.env.BENCH_SECONDS ?? 5), connections: [50] };

interface Baseline {
  cpuPerCreateOverFloor: number;
  measured: string;
}

const describe = (row: Row) => `${row.completed} requests, ${cpuPerRequest(row).toFixed(3)} ms CPU each`;

/** One measurement: the multiple, with the rows it came from printed. */
async function measureMultiple(): Promise<number> {
  const floorBefore = (await moleculerFloor(plan))[0]!;
  const system = await withEmbeddingsStandIn(
    async (embeddings) => (await distributedRows(embeddings, plan))[0]!,
  );
  const floorAfter = (await moleculerFloor(plan))[0]!;
  const multiple = cpuPerRequest(system) / ((cpuPerRequest(floorBefore) + cpuPerRequest(floorAfter)) / 2);
  console.log(`floor before: ${describe(floorBefore)}`);
  console.log(`distributed creates: ${describe(system)}`);
  console.log(`floor after: ${describe(floorAfter)}`);
  console.log(`CPU per create = ${multiple.toFixed(2)} x the floor's CPU per request`);
  return multiple;
}

if (process.argv.includes("--record")) {
  const multiples: number[] = [];
  for (let i = 0; i < ATTEMPTS; i++) multiples.push(await measureMultiple());
  const median = multiples.sort((a, b) => a - b)[Math.floor(ATTEMPTS / 2)]!;
  const baseline: Baseline = {
    cpuPerCreateOverFloor: Number(median.toFixed(2)),
    measured: new Date().toISOString(),
  };
  await writeFile(BASELINE, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`median ${median.toFixed(2)} x recorded in ${path.relative(process.cwd(), BASELINE)}`);
} else {
  const baseline = JSON.parse(await readFile(BASELINE, "utf8")) as Baseline;
  const limit = baseline.cpuPerCreateOverFloor * ALLOWED_GROWTH;
  console.log(
    `committed: ${baseline.cpuPerCreateOverFloor} x (${baseline.measured}); allowed up to ${limit.toFixed(2)} x`,
  );
  let passed = false;
  for (let attempt = 1; attempt <= ATTEMPTS && !passed; attempt++) {
    const multiple = await measureMultiple();
    passed = multiple <= limit;
    if (!passed) console.log(`attempt ${attempt}: ${multiple.toFixed(2)} x is over ${limit.toFixed(2)} x`);
  }
  progress("done");
  if (!passed) {
    console.error(`the CPU per create regressed by more than 50% in ${ATTEMPTS} attempts in a row`);
    process.exitCode = 1;
  } else {
    console.log("within the allowed growth");
  }
}
