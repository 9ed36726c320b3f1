import { createHash } from "node:crypto";
import type { Embedder } from "@second-brain/embeddings";

/**
 * A deterministic stand-in for a real model, for fast tests: a hashed bag of words (lower-cased
 * word stems, each hashed to a signed slot), L2-normalised. Texts sharing words are close; texts
 * sharing none are orthogonal-ish. It knows nothing of meaning, so tests of paraphrase use the
 * real local model instead.
 */
export function createHashedEmbedder(dimensions = 512, model = `hashed-bow-${dimensions}`): Embedder {
  return {
    model,
    dimensions,
    embed: async (texts) => texts.map((text) => hashedVector(text, dimensions)),
    close: async () => undefined,
  };
}

export function hashedVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const stem = word.length > 4 ? word.slice(0, 5) : word;
    const digest = createHash("sha1").update(stem).digest();
    vector[digest.readUInt32BE(0) % dimensions]! += digest[4]! & 1 ? 1 : -1;
  }
  return normalise(vector);
}

export function normalise(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}
