import os from "node:os";
import { MODEL_THREAD } from "./threads.ts";
import type { FloorResult } from "./floor.ts";
import type { ProjectionRun, WindowCpu } from "./projection-run.ts";

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

const table = (header: string[], lines: string[][]) =>
  [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");

export function header(seconds: number): string {
  const cpus = os.cpus();
  return [
    `embedding throughput on ${cpus.length} cores (${cpus[0]?.model ?? "unknown cpu"}), ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`,
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at the start; floor ${seconds} s (batches of 32), a third of that for the other sizes.`,
    "Texts: embeddingText() of distinct notes (bench/src/write-path/corpus.ts, same seed in both halves), cut to 2,000 characters as the local embedder does.",
  ].join("\n");
}

export function floorTable(floors: readonly { when: string; results: readonly FloorResult[] }[]): string {
  return table(
    ["floor: the model alone, tight loop", "batch", "texts", "s", "texts/s", "CPU ms/text", "busy cores"],
    floors.flatMap(({ when, results }) =>
      results.map((r) => [
        when,
        String(r.batchSize),
        String(r.texts),
        fmt(r.seconds),
        fmt(r.textsPerSecond),
        fmt(r.cpuMsPerText),
        fmt(r.busyCores, 2),
      ]),
    ),
  );
}

const rate = (w: WindowCpu) => w.texts / w.seconds;

export function projectionTable(run: ProjectionRun): string {
  return table(
    ["window", "documents", "s", "texts/s"],
    [
      [
        `creates (${run.notes} over ${run.users} users, ${fmt(run.notes / run.createSeconds, 0)} creates/s)`,
        String(run.documentsAtCreatesEnd),
        fmt(run.createSeconds),
        fmt(run.documentsAtCreatesEnd / run.createSeconds),
      ],
      [
        "catch-up after the last create",
        String(run.catchUp.texts),
        fmt(run.catchUp.seconds),
        fmt(rate(run.catchUp)),
      ],
      ["whole run", String(run.whole.texts), fmt(run.whole.seconds), fmt(rate(run.whole))],
    ],
  );
}

export function ratioTable(run: ProjectionRun, floorRate: number): string {
  return table(
    ["figure", "texts/s", "floor texts/s (batches of 32)", "÷ floor"],
    [
      [
        "search projection, catch-up",
        fmt(rate(run.catchUp)),
        fmt(floorRate),
        fmt(rate(run.catchUp) / floorRate, 2),
      ],
      [
        "search projection, whole run",
        fmt(rate(run.whole)),
        fmt(floorRate),
        fmt(rate(run.whole) / floorRate, 2),
      ],
    ],
  );
}

/** Where the CPU went in each window: ms per document and busy cores, by thread and by process. */
export function cpuTable(run: ProjectionRun, floorCpuMsPerText: number): string {
  const windows = [
    ["catch-up", run.catchUp],
    ["whole run", run.whole],
  ] as const;
  const threadNames = [...new Set(windows.flatMap(([, w]) => [...w.searchIndexThreads.keys()]))].sort(
    (a, b) => (b === MODEL_THREAD ? 1 : a === MODEL_THREAD ? -1 : a.localeCompare(b)),
  );
  const line = (name: string, ms: (w: WindowCpu) => number) => [
    name,
    ...windows.flatMap(([, w]) => [fmt(ms(w) / w.texts, 2), fmt(ms(w) / (w.cpuSeconds * 1000), 2)]),
  ];
  const threadMs = (name: string) => (w: WindowCpu) => w.searchIndexThreads.get(name)?.cpuMs ?? 0;
  const siTotal = (w: WindowCpu) => [...w.searchIndexThreads.values()].reduce((s, t) => s + t.cpuMs, 0);
  const processMs = (name: string) => (w: WindowCpu) => w.processes.get(name) ?? 0;
  const others = [...run.whole.processes.keys()].filter((n) => n !== "PostgreSQL" && n !== "search-index");
  const rest = (w: WindowCpu) => others.reduce((s, n) => s + (w.processes.get(n) ?? 0), 0);
  const total = (w: WindowCpu) => [...w.processes.values()].reduce((s, ms) => s + ms, 0);
  return table(
    ["CPU", ...windows.flatMap(([name]) => [`${name}: ms/text`, `${name}: busy cores`])],
    [
      ...threadNames.map((name) => {
        const info = run.whole.searchIndexThreads.get(name);
        const label = name === MODEL_THREAD ? `search-index: ${name} (the model)` : `search-index: ${name}`;
        return line(`${label} ×${info?.threads ?? "?"}, nice ${info?.nice ?? "?"}`, threadMs(name));
      }),
      line("**search-index, all threads**", siTotal),
      line("PostgreSQL (server + this database's backends)", processMs("PostgreSQL")),
      line("rest of the stack (gateway, memory, other followers)", rest),
      line("**stack + PostgreSQL, total**", total),
      ["(floor: the model alone, batches of 32)", fmt(floorCpuMsPerText, 2), "", "", ""],
    ],
  );
}

export function restOfStackTable(run: ProjectionRun): string {
  const names = [...run.whole.processes.keys()].filter((n) => n !== "PostgreSQL" && n !== "search-index");
  return table(
    ["process", "catch-up ms/text", "whole run ms/text"],
    names.map((name) => [
      name,
      fmt((run.catchUp.processes.get(name) ?? 0) / run.catchUp.texts, 2),
      fmt((run.whole.processes.get(name) ?? 0) / run.whole.texts, 2),
    ]),
  );
}
