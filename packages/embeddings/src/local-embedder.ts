import { Worker } from "node:worker_threads";
import type { Embedder } from "./embedder.ts";
import { createBatchingQueue } from "./batching-queue.ts";
import { EmbeddingUnavailableError } from "./embedding-errors.ts";
import {
  LOCAL_MODEL_DIMENSIONS,
  LOCAL_MODEL_NAME,
  type EmbedReply,
  type EmbedRequest,
} from "./local-model-protocol.ts";

export interface LocalEmbedderOptions {
  /** Model copies, each on its own thread (~200 MB each). One per spare core at most. Default 1. */
  workers?: number;
  /** Texts per model call. Short texts gain ~2x from batching; long ones little. Default 32. */
  batchSize?: number;
  /** How long a lone request waits for companions before its batch leaves. Default 5 ms. */
  lingerMs?: number;
  /**
   * Texts are cut to this many characters before embedding. The model's cost grows with length
   * (20,000 words took 32 s on one core) while a sentence encoder's vector of a long text says
   * little more than that of its beginning. Default 2,000 (about 350 words).
   */
  maxChars?: number;
}

export interface LocalEmbedderStats {
  /** Model calls made so far (one per batch). */
  batches: number;
  texts: number;
  /** How long the first worker took to load the model; undefined until it has. */
  loadMs: number | undefined;
}

export interface LocalEmbedder extends Embedder {
  stats(): LocalEmbedderStats;
}

interface WorkerSlot {
  worker: Worker | undefined;
  inFlight: { id: number; resolve(reply: EmbedReply): void; reject(error: Error): void } | undefined;
}

/**
 * Universal Sentence Encoder Lite (512 dimensions), shipped inside an npm package: works offline.
 * The model loads lazily, in worker threads, on the first call; texts of concurrent callers share
 * batches. Vectors are L2-normalised, so cosine similarity is their dot product.
 */
export function createLocalEmbedder(options: LocalEmbedderOptions = {}): LocalEmbedder {
  const workers = options.workers ?? 1;
  const batchSize = options.batchSize ?? 32;
  const maxChars = options.maxChars ?? 2000;
  const slots: WorkerSlot[] = Array.from({ length: workers }, () => ({
    worker: undefined,
    inFlight: undefined,
  }));
  const stats: LocalEmbedderStats = { batches: 0, texts: 0, loadMs: undefined };
  let nextId = 1;
  let closed = false;

  const spawn = (slot: WorkerSlot): Worker => {
    const worker = new Worker(new URL("./local-model-worker.ts", import.meta.url));
    worker.on("message", (reply: EmbedReply) => {
      const inFlight = slot.inFlight;
      if (!inFlight || inFlight.id !== reply.id) return;
      slot.inFlight = undefined;
      // An idle worker must not keep the process alive; a busy one must (someone awaits it).
      worker.unref();
      inFlight.resolve(reply);
    });
    worker.on("error", (error) => slot.inFlight?.reject(error));
    worker.on("exit", (code) => {
      if (slot.worker === worker) slot.worker = undefined;
      slot.inFlight?.reject(new Error(`The embedding model worker stopped (exit code ${code}).`));
      slot.inFlight = undefined;
    });
    worker.unref();
    return worker;
  };

  const runOnWorker = async (texts: string[]): Promise<number[][]> => {
    if (closed) throw new Error("The local embedder is closed.");
    const slot = slots.find((candidate) => !candidate.inFlight);
    if (!slot) throw new Error("No idle embedding worker; the batching queue over-dispatched.");
    const worker = (slot.worker ??= spawn(slot));
    const request: EmbedRequest = { id: nextId++, texts };
    const reply = await new Promise<EmbedReply>((resolve, reject) => {
      slot.inFlight = { id: request.id, resolve, reject };
      worker.ref();
      worker.postMessage(request);
    });
    if (!reply.ok) throw new Error(`The local embedding model failed: ${reply.message}`);
    stats.batches++;
    stats.texts += texts.length;
    stats.loadMs ??= reply.loadMs;
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i++) {
      const start = i * LOCAL_MODEL_DIMENSIONS;
      vectors.push(Array.from(reply.vectors.subarray(start, start + LOCAL_MODEL_DIMENSIONS)));
    }
    return vectors;
  };

  const queue = createBatchingQueue<string, number[]>({
    batchSize,
    lingerMs: options.lingerMs ?? 5,
    concurrency: workers,
    run: runOnWorker,
  });

  return {
    model: LOCAL_MODEL_NAME,
    dimensions: LOCAL_MODEL_DIMENSIONS,
    async embed(texts) {
      try {
        if (closed) throw new Error("The local embedder is closed.");
        return await queue.submit(
          texts.map((text) => (text.length > maxChars ? text.slice(0, maxChars) : text)),
        );
      } catch (error) {
        throw unavailable(error);
      }
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      await Promise.all(slots.map((slot) => slot.worker?.terminate()));
    },
  };
}

/**
 * Whatever stops the local model from answering (a worker that crashed or ran out of memory, a
 * model that did not load, an embedder shut down) is the provider being unavailable, as for a
 * remote one (openai-embedder.ts): a search answers 503, and the search projection retries the
 * batch later instead of taking the memories in it for events it cannot store.
 */
function unavailable(error: unknown): EmbeddingUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new EmbeddingUnavailableError(`The local embedding model failed: ${reason}`, undefined, 1, error);
}
