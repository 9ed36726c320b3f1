import { AsyncLocalStorage } from "node:async_hooks";
import OpenAI, { APIError } from "openai";
import type { Embedder } from "./embedder.ts";
import { createBatchingQueue } from "./batching-queue.ts";
import { EmbeddingUnavailableError } from "./embedding-errors.ts";
import { l2Normalize } from "./vector-math.ts";

export interface OpenAiEmbedderOptions {
  apiKey: string;
  /** An OpenAI-compatible endpoint, e.g. "http://127.0.0.1:8080/v1". Default: OpenAI's. */
  baseUrl?: string;
  /** e.g. "text-embedding-3-small". */
  model: string;
  /** Vector size asked of the model (text-embedding-3 models shorten their vectors on request). */
  dimensions: number;
  /** Inputs per request (OpenAI accepts up to 2,048). Default 256. */
  batchSize?: number;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, by the `openai` client: on 408, 409, 429, 5xx, timeouts and
   * broken connections, after the server's Retry-After (up to a minute) or an exponential backoff
   * from 0.5 s to 8 s with jitter. Other 4xx are never retried. Default 5.
   */
  maxRetries?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** How long a lone text waits for texts of other callers to share its request. Default 2 ms. */
  lingerMs?: number;
  /**
   * Texts are cut to this many characters: the API refuses inputs over 8,192 tokens, and a token
   * is at least about one character in every script. Default 8,000.
   */
  maxChars?: number;
}

/**
 * Embeddings from the OpenAI API (or a compatible endpoint). Texts of concurrent callers are
 * gathered into requests of up to `batchSize`; the client retries each request on its own.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  // The HTTP attempts of the request in hand, retries included, so a failure can say how many.
  const attempts = new AsyncLocalStorage<{ count: number }>();
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? "https://api.openai.com/v1",
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 5,
    fetch: (url, init) => {
      const tally = attempts.getStore();
      if (tally) tally.count++;
      return fetch(url, init);
    },
  });
  const maxChars = options.maxChars ?? 8000;
  const { model, dimensions } = options;

  const requestVectors = async (texts: string[]): Promise<number[][]> => {
    const response = await client.embeddings.create({
      model,
      dimensions,
      // The API refuses empty strings; a space stands for "no text", as in the local model.
      input: texts.map((text) => (text === "" ? " " : text)),
      // Plain floats: every OpenAI-compatible server speaks them, not all speak base64.
      encoding_format: "float",
    });
    if (response.data.length !== texts.length) {
      throw new Error(`${texts.length} inputs gave ${response.data.length} embeddings.`);
    }
    const vectors = new Array<number[]>(texts.length);
    for (const item of response.data) {
      if (item.embedding.length !== dimensions) {
        throw new Error(`Expected ${dimensions} dimensions, got ${item.embedding.length}.`);
      }
      vectors[item.index] = l2Normalize(item.embedding);
    }
    for (let i = 0; i < texts.length; i++) {
      if (!vectors[i]) throw new Error(`The answer has no embedding for input ${i}.`);
    }
    return vectors;
  };

  const run = async (texts: string[]): Promise<number[][]> => {
    const tally = { count: 0 };
    try {
      return await attempts.run(tally, () => requestVectors(texts));
    } catch (error) {
      throw toUnavailable(error, Math.max(1, tally.count));
    }
  };

  const queue = createBatchingQueue<string, number[]>({
    batchSize: options.batchSize ?? 256,
    lingerMs: options.lingerMs ?? 2,
    concurrency: options.concurrency ?? 4,
    run,
  });

  return {
    model: `openai/${model}@${dimensions}`,
    dimensions,
    embed: (texts) =>
      queue.submit(texts.map((text) => (text.length > maxChars ? text.slice(0, maxChars) : text))),
    close: async () => undefined,
  };
}

function toUnavailable(error: unknown, attempts: number): EmbeddingUnavailableError {
  const status = error instanceof APIError && typeof error.status === "number" ? error.status : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  return new EmbeddingUnavailableError(
    `The embedding provider failed after ${attempts} attempt(s): ${reason}`,
    status,
    attempts,
    error,
  );
}
