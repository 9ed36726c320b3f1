import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time per process from /proc/<pid>/stat (utime + stime: every thread of the process, its
 * children excluded), so that a run can say where its CPU went. A group is a named set of pids,
 * asked again at each snapshot: a process started during the window counts from zero, one that
 * ended during it is lost (none of the measured ones should).
 */
export interface ProcessGroup {
  name: string;
  /** Part of the system under test (summed into its total), or beside it (load generator, stand-in). */
  underTest: boolean;
  pids(): number[];
}

export type CpuSnapshot = Map<string, Map<number, number>>;

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

interface ProcInfo {
  pid: number;
  comm: string;
  ppid: number;
  cpuMs: number;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields after it are positional.
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return {
      pid,
      comm: stat.slice(stat.indexOf("(") + 1, close),
      ppid: Number(fields[1]),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    };
  } catch {
    return undefined; // gone
  }
}

function allProcesses(): ProcInfo[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProc(Number(entry)))
    .filter((info): info is ProcInfo => info !== undefined);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** PostgreSQL's own processes (checkpointer, WAL writer...) and the client backends of `database`. */
export function postgresPids(database: string): () => number[] {
  return () =>
    allProcesses()
      .filter((p) => p.comm === "postgres")
      .filter((p) => {
        const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(cmdline(p.pid));
        return !backend || backend[1] === database;
      })
      .map((p) => p.pid);
}

/** Every process named `comm`, with all its descendants (RabbitMQ's beam.smp runs helpers). */
export function pidsByName(...comms: string[]): () => number[] {
  return () => {
    const processes = allProcesses();
    const found = new Set(processes.filter((p) => comms.includes(p.comm)).map((p) => p.pid));
    for (let grew = true; grew;) {
      grew = false;
      for (const p of processes) {
        if (found.has(p.ppid) && !found.has(p.pid)) {
          found.add(p.pid);
          grew = true;
        }
      }
    }
    return [...found];
  };
}

export function snapshot(groups: readonly ProcessGroup[]): CpuSnapshot {
  return new Map(
    groups.map((group) => [
      group.name,
      new Map(group.pids().map((pid) => [pid, readProc(pid)?.cpuMs ?? 0] as const)),
    ]),
  );
}

/** CPU ms spent by each group between two snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  return new Map(
    [...after].map(([name, pids]) => {
      let spent = 0;
      for (const [pid, ms] of pids) spent += ms - (before.get(name)?.get(pid) ?? 0);
      return [name, spent];
    }),
  );
}

/** Resident memory of a process, in MiB. */
export function residentMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}
