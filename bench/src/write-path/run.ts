import { cpuBetween, snapshot, type ProcessGroup } from "./cpu.ts";
import { drive, sampleLag, type DriveResult, type LagResult, type NextRequest } from "./drive.ts";
import { progress } from "./children.ts";

/** One measured row: a load window, the CPU each process spent in it, and the lag if sampled. */
export interface Row {
  name: string;
  connections: number;
  result: DriveResult;
  lag?: LagResult;
  /** Requests completed in the window, the lag sampler's creates included. */
  completed: number;
  groups: readonly ProcessGroup[];
  /** Group name → CPU ms spent in the window. */
  cpuMs: Map<string, number>;
  /** Group name → CPU ms per second with no load, measured just before the stack's first row. */
  idleMsPerSecond?: Map<string, number>;
}

export const LOAD_GENERATOR = "bench (load generator)";
const self: ProcessGroup = { name: LOAD_GENERATOR, underTest: false, pids: () => [process.pid] };

export interface Load {
  url: string;
  next: NextRequest;
  /** Sample read-model lag with this user's token on this base URL while the load runs. */
  lag?: { baseUrl: string; token: string };
}

export async function measure(
  name: string,
  connections: number,
  seconds: number,
  groups: readonly ProcessGroup[],
  load: Load,
): Promise<Row> {
  progress(`${name}, ${connections} connections, ${seconds} s`);
  const all = [...groups, self];
  const before = snapshot(all);
  const stopAt = Date.now() + seconds * 1000;
  const [result, lag] = await Promise.all([
    drive(load.url, connections, seconds, load.next),
    load.lag ? sampleLag(load.lag.baseUrl, load.lag.token, stopAt) : undefined,
  ]);
  const cpuMs = cpuBetween(before, snapshot(all));
  const completed = result.completed + (lag?.creates ?? 0);
  return { name, connections, result, ...(lag ? { lag } : {}), completed, groups: all, cpuMs };
}

/** CPU ms per second each group spends with no load at all (timers, heartbeats, polling). */
export async function measureIdle(
  groups: readonly ProcessGroup[],
  seconds: number,
): Promise<Map<string, number>> {
  progress(`idle, ${seconds} s`);
  const all = [...groups, self];
  const before = snapshot(all);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const spent = cpuBetween(before, snapshot(all));
  return new Map([...spent].map(([name, ms]) => [name, ms / seconds]));
}

/** CPU ms per completed request of one group, or of the whole system under test. */
export function cpuPerRequest(row: Row, group?: string): number {
  const spent =
    group !== undefined
      ? (row.cpuMs.get(group) ?? Number.NaN)
      : row.groups.filter((g) => g.underTest).reduce((sum, g) => sum + (row.cpuMs.get(g.name) ?? 0), 0);
  return spent / row.completed;
}
