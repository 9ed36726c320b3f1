import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time per thread of one process, from /proc/<pid>/task/<tid>/stat (utime + stime), grouped
 * by the thread's name: Node calls its worker_threads "WorkerThread" (in the search-index process
 * the one worker is the embedding model's), V8's background compilers and GC "V8Worker", libuv's
 * pool "libuv-worker", and the event loop "MainThread".
 */
export type ThreadCpu = Map<string, { cpuMs: number; threads: number; nice: number }>;

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

export const MODEL_THREAD = "WorkerThread";

export function threadCpu(pid: number): ThreadCpu {
  const byName: ThreadCpu = new Map();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName; // the process is gone
  }
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended
    }
    // The name is in parentheses and may hold spaces: the fields after it are positional.
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const entry = byName.get(name) ?? { cpuMs: 0, threads: 0, nice: Number(fields[16]) };
    byName.set(name, { cpuMs: entry.cpuMs + cpuMs, threads: entry.threads + 1, nice: entry.nice });
  }
  return byName;
}

/** CPU ms per thread name between two readings (threads that started in between count from zero). */
export function threadCpuBetween(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  return new Map(
    [...after].map(([name, entry]) => [
      name,
      { ...entry, cpuMs: entry.cpuMs - (before.get(name)?.cpuMs ?? 0) },
    ]),
  );
}
