import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import {
  DISTRIBUTED_PROCESSES,
  EMBEDDED_ENTRY,
  REPO_ROOT,
  entryPath,
  type ProcessName,
} from "@second-brain/launcher/processes";

/**
 * A running Second Brain for end-to-end tests and benchmarks: the real entry points as real OS
 * processes, on their own database, Redis prefix, Moleculer namespace and port, so runs never
 * share state. Processes can be killed and started again to test faults.
 */
export interface StackOptions {
  mode: "embedded" | "distributed";
  /** Distributed: the PostgreSQL database URL (created by the caller). */
  databaseUrl?: string;
  /** Embedded: the data folder; a fresh temporary one when absent. */
  dataDir?: string;
  env?: Record<string, string>;
}

export interface Stack {
  baseUrl: string;
  mode: "embedded" | "distributed";
  /** The data folder (the embedded mode's database lives in its `pgdata`). */
  dataDir: string;
  /** Process name → pid, for `ps`-style checks. */
  pids(): Record<string, number | undefined>;
  kill(name: InstanceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a process again, or (`memory#2`) one more instance of it beside the running one. */
  start(name: InstanceName): void;
  /** Waits until the gateway serves and every service it expects answers (GET /health/details). */
  waitReady(timeoutMs?: number): Promise<void>;
  /** The last lines each process printed, for failure reports. */
  recentOutput(): string;
  /** Every line any process printed that contains `text`, since the stack started. */
  linesContaining(text: string): string[];
  stop(): Promise<void>;
}

/** A process by name; `name#n` is a further instance of the same entry (a replica). */
export type InstanceName = ProcessName | "embedded" | `${ProcessName}#${number}`;

/** Request rates and login failures high enough for any suite; one that tests them sets its own. */
export const RAISED_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_USER_PER_MINUTE: "1000000",
  RATE_LIMIT_API_KEY_PER_MINUTE: "1000000",
  RATE_LIMIT_IP_PER_MINUTE: "1000000",
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1000000",
  RATE_LIMIT_REGISTRATIONS_PER_HOUR: "1000000",
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: "1000000",
  LOGIN_FAILURES_PER_IP: "1000000",
  LOGIN_FAILURES_PER_ACCOUNT: "1000000",
};

export async function startStack(options: StackOptions): Promise<Stack> {
  const port = await freePort();
  const ownDataDir = options.mode === "embedded" && !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "sb-stack-")));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    SB_MODE: options.mode,
    PORT: String(port),
    SB_DATA_DIR: dataDir,
    SB_NAMESPACE: `test-${randomBytes(4).toString("hex")}`,
    REDIS_PREFIX: `sb-test-${randomBytes(4).toString("hex")}:`,
    JWT_SECRET: randomBytes(32).toString("base64"),
    MASTER_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    SB_PARENT_PID: String(process.pid),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    // Cheap password hashes, set explicitly: the production parameters (OWASP's) cost most of a
    // second per hash on a busy test machine, and the suites register many users.
    PASSWORD_SCRYPT_PARAMS: process.env.PASSWORD_SCRYPT_PARAMS ?? "N=1024,r=8,p=1",
    // Attachments go to a folder shared by the stack's processes unless the test brings an S3.
    OBJECT_STORAGE: process.env.OBJECT_STORAGE ?? "folder",
    // Every test client shares 127.0.0.1: limits for a deployment's many addresses would refuse
    // them. A test of the limits sets its own.
    ...RAISED_RATE_LIMITS,
    ...options.env,
  };
  if (options.mode === "embedded") {
    // The embedded mode keeps its own secrets in the data folder, as a user's install does.
    delete env.JWT_SECRET;
    delete env.MASTER_KEY;
  }
  const entries: Record<string, string> =
    options.mode === "embedded" ? { embedded: EMBEDDED_ENTRY } : { ...DISTRIBUTED_PROCESSES };
  const children = new Map<string, ChildProcess>();
  const output: string[] = [];
  // Everything printed, for checks that nothing personal was logged; a test's output is small.
  const everything: string[] = [];

  const start = (name: string) => {
    const entry = entries[name.split("#")[0]!];
    if (!entry) throw new Error(`No process named ${name}`);
    const child = spawn(process.execPath, [entryPath(entry)], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.set(name, child);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(`[${name}] ${line}`);
        everything.push(`[${name}] ${line}`);
        if (output.length > 400) output.shift();
      });
    }
    child.on("exit", () => {
      if (children.get(name) === child) children.delete(name);
    });
  };

  const kill = async (name: string, signal: NodeJS.Signals = "SIGTERM") => {
    const child = children.get(name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const stack: Stack = {
    baseUrl,
    mode: options.mode,
    dataDir,
    pids: () => Object.fromEntries([...children].map(([name, child]) => [name, child.pid])),
    kill,
    start,
    waitReady: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const ready = await fetch(`${baseUrl}/health/details`).then(
          async (r) => r.ok && everyServiceUp((await r.json()) as HealthDetailsBody),
          () => false,
        );
        if (ready) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`Second Brain was not ready within ${timeoutMs} ms:\n${output.slice(-60).join("\n")}`);
    },
    recentOutput: () => output.join("\n"),
    linesContaining: (text) => everything.filter((line) => line.includes(text)),
    stop: async () => {
      await Promise.all([...children.keys()].map((name) => kill(name)));
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  for (const name of Object.keys(entries)) start(name);
  try {
    await stack.waitReady();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

interface HealthDetailsBody {
  status: string;
  services: Record<string, { status: string }>;
}

/** The gateway serves and every service answers (a degraded one, e.g. without its cache, serves too). */
function everyServiceUp(details: HealthDetailsBody): boolean {
  return details.status !== "down" && Object.values(details.services).every((s) => s.status !== "down");
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
