import OpenAI, { APIConnectionError, APIError } from "openai";
import type { Embedder } from "./embedder.ts";
import { createBatchingQueue } from "./batching-queue.ts";
import { EmbeddingUnavailableError } from "./embedding-errors.ts";
import { parseRetryAfterMs, RetriesExhaustedError, withRetries, type RetryVerdict } from "./retry-policy.ts";
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
  /** Retries after the first attempt, on 429, 5xx, timeouts and broken connections. Default 5. */
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
  /** Backoff shape; the defaults suit OpenAI's rate limits. Tests shorten them. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Embeddings from the OpenAI API (or a compatible endpoint). Texts of concurrent callers are
 * gathered into requests of up to `batchSize`; each request is retried on its own. The SDK's own
 * retries are off so that the policy here (never retry a 4xx other than 429) is the only one.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? "https://api.openai.com/v1",
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: 0,
  });
  const policy = {
    maxRetries: options.maxRetries ?? 5,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 20_000,
  };
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
    try {
      return await withRetries(policy, { classify }, () => requestVectors(texts));
    } catch (error) {
      throw toUnavailable(error);
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

function classify(error: unknown): RetryVerdict {
  if (error instanceof APIConnectionError) return { retry: true, retryAfterMs: undefined };
  if (error instanceof APIError && typeof error.status === "number") {
    if (error.status === 429 || error.status >= 500) {
      const headers = error.headers;
      return {
        retry: true,
        retryAfterMs: headers ? parseRetryAfterMs((name) => headers.get(name)) : undefined,
      };
    }
  }
  return { retry: false };
}

function toUnavailable(error: unknown): EmbeddingUnavailableError {
  const attempts = error instanceof RetriesExhaustedError ? error.attempts : 1;
  const last = error instanceof RetriesExhaustedError ? error.cause : error;
  const status = last instanceof APIError && typeof last.status === "number" ? last.status : undefined;
  const reason = last instanceof Error ? last.message : String(last);
  return new EmbeddingUnavailableError(
    `The embedding provider failed after ${attempts} attempt(s): ${reason}`,
    status,
    attempts,
    last,
  );
}
