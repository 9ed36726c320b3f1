import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { DISTRIBUTED_PROCESSES, REPO_ROOT, entryPath } from "./processes.ts";

/**
 * `pnpm start:distributed`: one OS process per service, projection and the gateway, talking over
 * RabbitMQ. A process that dies is restarted after a pause (as an orchestrator would); Ctrl-C
 * stops them all.
 */
const children = new Map<string, ChildProcess>();
let stopping = false;

function start(name: string, entry: string): void {
  const child = spawn(process.execPath, [entryPath(entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, SB_MODE: "distributed", SB_PARENT_PID: String(process.pid) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.set(name, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (stopping) return;
    process.stdout.write(`[${name}] exited (${signal ?? code}); restarting in 1 s\n`);
    setTimeout(() => start(name, entry), 1000);
  });
}

function stopAll(): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill("SIGTERM");
  const deadline = setTimeout(() => {
    for (const child of children.values()) child.kill("SIGKILL");
    process.exit(1);
  }, 10_000);
  const check = setInterval(() => {
    if (children.size > 0) return;
    clearInterval(check);
    clearTimeout(deadline);
    process.exit(0);
  }, 50);
}

process.on("SIGINT", stopAll);
process.on("SIGTERM", stopAll);
for (const [name, entry] of Object.entries(DISTRIBUTED_PROCESSES)) start(name, entry);
