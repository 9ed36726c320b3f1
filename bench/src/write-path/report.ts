import os from "node:os";
import type { ColdStart } from "./floors.ts";
import { cpuPerRequest, LOAD_GENERATOR, type Row } from "./run.ts";

/** The run's tables, in markdown, on stdout. */
const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);

const table = (header: string[], lines: string[][]) =>
  [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");

const SHORT: Record<string, string> = {
  "floor: node:http + one INSERT": "INSERT",
  "floor: moleculer-web → action, AMQP": "moleculer",
  "floor: node:http + PGlite transaction": "PGlite tx",
  "Second Brain, distributed": "distributed",
  "Second Brain, embedded (PGlite)": "embedded",
};
const label = (row: Row) => `${SHORT[row.name] ?? row.name} ${row.connections}`;

export function header(seconds: number): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(1));
  const memory = fmt(os.totalmem() / 2 ** 30, 0);
  return [
    `write path on ${cpus.length} cores (${cpus[0]?.model ?? "unknown cpu"}), ${memory} GiB, Node ${process.version}`,
    `load average ${load.join(" ")} at the start; ${seconds} s per row; autocannon on the same cores.`,
    "Creates: distinct notes spread over 8 users; lag sampled by a 9th user with notes of its own.",
    "Both modes embed with the OpenAI-compatible provider pointed at a local stand-in (its own process).",
  ].join("\n");
}

export function runTable(rows: readonly Row[], seconds: number): string {
  const legend = [
    "done: 2xx answers in the window (the lag sampler's creates included; its lists are not);",
    "CPU ms/create: the system under test's CPU over the window ÷ done; busy cores: the same CPU ÷ wall time.",
  ].join("\n");
  return `${table(
    [
      "what",
      "conns",
      "creates/s",
      "p50 ms",
      "p99 ms",
      "errors",
      "done",
      "CPU ms/create",
      "busy cores",
      "lag p50 ms",
      "lag p99 ms",
      "lag samples / lists",
    ],
    rows.map((row) => [
      row.name,
      String(row.connections),
      fmt(row.result.requestsPerSecond, 0),
      fmt(row.result.p50),
      fmt(row.result.p99),
      String(row.result.errors),
      String(row.completed),
      fmt(cpuPerRequest(row), 2),
      fmt((cpuPerRequest(row) * row.completed) / (seconds * 1000), 2),
      fmt(row.lag?.p50),
      fmt(row.lag?.p99),
      row.lag ? `${row.lag.samples} / ${row.lag.lists}` : "-",
    ]),
  )}\n\n${legend}`;
}

/**
 * ms of CPU per completed request, per process (rows) and run (columns); then, per stack, what
 * each process spends per second with no load at all (timers, heartbeats, polling).
 */
export function cpuTable(rows: readonly Row[]): string {
  const names = (underTest: boolean) => [
    ...new Set(rows.flatMap((row) => row.groups.filter((g) => g.underTest === underTest).map((g) => g.name))),
  ];
  const idle = rows.filter(
    (row, i) => row.idleMsPerSecond && rows.findIndex((r) => r.name === row.name) === i,
  );
  const idleTotal = (row: Row) =>
    row.groups
      .filter((g) => g.underTest)
      .reduce((sum, g) => sum + (row.idleMsPerSecond?.get(g.name) ?? 0), 0);
  const line = (
    name: string,
    perCreate: (row: Row) => number,
    perSecond: (row: Row) => number | undefined,
  ) => [name, ...rows.map((row) => fmt(perCreate(row), 2)), ...idle.map((row) => fmt(perSecond(row), 1))];
  return table(
    [
      "process (ms CPU per create)",
      ...rows.map(label),
      ...idle.map((row) => `${SHORT[row.name]} idle, ms CPU/s`),
    ],
    [
      ...names(true).map((name) =>
        line(
          name,
          (row) => cpuPerRequest(row, name),
          (row) => row.idleMsPerSecond?.get(name),
        ),
      ),
      line("**system under test, total**", (row) => cpuPerRequest(row), idleTotal),
      ...[...names(false).filter((name) => name !== LOAD_GENERATOR), LOAD_GENERATOR].map((name) =>
        line(
          `(beside it) ${name}`,
          (row) => cpuPerRequest(row, name),
          (row) => row.idleMsPerSecond?.get(name),
        ),
      ),
    ],
  );
}

interface Ratio {
  figure: string;
  value: number;
  floor: string;
  floorValue: number;
  /** Decimals to print the value and the floor with. */
  digits: number;
}

export function ratioTable(rows: readonly Row[], starts: readonly ColdStart[]): string {
  const ratios: Ratio[] = [];
  const floorsOf: Record<string, string[]> = {
    distributed: ["INSERT", "moleculer"],
    embedded: ["PGlite tx"],
  };
  for (const row of rows) {
    for (const floorName of floorsOf[SHORT[row.name] ?? ""] ?? []) {
      const floor = rows.find((r) => SHORT[r.name] === floorName && r.connections === row.connections);
      if (!floor) continue;
      ratios.push(
        {
          figure: `${label(row)}: creates/s`,
          value: row.result.requestsPerSecond,
          floor: `${label(floor)}: requests/s`,
          floorValue: floor.result.requestsPerSecond,
          digits: 0,
        },
        {
          figure: `${label(row)}: CPU ms/create`,
          value: cpuPerRequest(row),
          floor: `${label(floor)}: CPU ms/request`,
          floorValue: cpuPerRequest(floor),
          digits: 2,
        },
      );
    }
  }
  // The last start is the floor: a bare PGlite server on an empty folder.
  const pglite = starts.at(-1);
  for (const embedded of starts.slice(0, -1)) {
    if (!pglite) break;
    ratios.push(
      {
        figure: `${embedded.name}: s to ready`,
        value: embedded.seconds,
        floor: pglite.name,
        floorValue: pglite.seconds,
        digits: 2,
      },
      {
        figure: `${embedded.name}: RSS MiB at ready`,
        value: embedded.residentMiB,
        floor: pglite.name,
        floorValue: pglite.residentMiB,
        digits: 0,
      },
      {
        figure: `${embedded.name}: RSS MiB settled`,
        value: embedded.settledMiB,
        floor: pglite.name,
        floorValue: pglite.settledMiB,
        digits: 0,
      },
    );
  }
  return table(
    ["figure", "value", "floor", "floor value", "÷ floor"],
    ratios.map((r) => [
      r.figure,
      fmt(r.value, r.digits),
      r.floor,
      fmt(r.floorValue, r.digits),
      fmt(r.value / r.floorValue, 2),
    ]),
  );
}
