import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export { freePort } from "@second-brain/testing";

const BENCH_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Forks a script of bench/src and waits for its "ready" message. */
export async function forkReady(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = fork(path.join(BENCH_SRC, script), args, {
    env: { ...process.env, ...env },
    stdio: "inherit",
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
