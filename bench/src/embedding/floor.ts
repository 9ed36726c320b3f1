import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { progress } from "../write-path/children.ts";
import type { FloorResult } from "./model-floor.ts";

export type { FloorResult };

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "model-floor.ts");

/** Runs model-floor.ts in a process of its own and gathers one result per batch size. */
export async function measureFloor(seconds: number, batchSizes: readonly number[]): Promise<FloorResult[]> {
  progress(`floor: the model alone, batches of ${batchSizes.join(", ")}, ${seconds} s for the first`);
  const child = fork(SCRIPT, [String(seconds), batchSizes.join(",")], { stdio: "inherit" });
  const results: FloorResult[] = [];
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: FloorResult | "done") => {
      if (message === "done") return resolve();
      results.push(message);
      progress(`floor, batches of ${message.batchSize}: ${message.textsPerSecond.toFixed(1)} texts/s`);
    });
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`model-floor exited with ${code}`)),
    );
  });
  if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
  return results;
}
