import { createHash } from "node:crypto";
import type { Embedder } from "../src/embedder.ts";
import { l2Normalize } from "../src/vector-math.ts";

/** A deterministic vector per text (from its hash), for tests that need no real model. */
export function fakeVector(text: string, dimensions: number): number[] {
  const bytes = createHash("sha512").update(text).digest();
  return l2Normalize(Array.from({ length: dimensions }, (_, i) => bytes[i % bytes.length]! - 127.5));
}

export interface FakeEmbedder extends Embedder {
  /** The texts of every call to `embed`, one array per call. */
  readonly calls: string[][];
  failNext(error: Error): void;
}

export function createFakeEmbedder(
  options: { model?: string; dimensions?: number; delayMs?: number } = {},
): FakeEmbedder {
  const dimensions = options.dimensions ?? 8;
  const calls: string[][] = [];
  let nextError: Error | undefined;
  return {
    model: options.model ?? "fake-8",
    dimensions,
    calls,
    failNext(error) {
      nextError = error;
    },
    async embed(texts) {
      calls.push([...texts]);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (nextError) {
        const error = nextError;
        nextError = undefined;
        throw error;
      }
      return texts.map((text) => fakeVector(text, dimensions));
    },
    close: async () => undefined,
  };
}
