import { createHash } from "node:crypto";

/**
 * Vectors already computed, keyed by (model, owner, SHA-256 of the text), so that a rebuild or a
 * replay never pays for the same embedding twice. It holds no text, only hashes and vectors, but
 * vectors leak meaning (a text can be guessed back from its vector), so each user's entries are
 * their own: erasure deletes them by owner, and one user's cache hit never tells them that another
 * user stored the same text.
 */
export interface EmbeddingCache {
  /** The vectors found among `textHashes` (absent keys are misses). */
  get(model: string, ownerId: string, textHashes: readonly string[]): Promise<Map<string, number[]>>;
  /** Stores vectors; an existing entry for the same key is kept (the same text gives the same vector). */
  put(
    model: string,
    ownerId: string,
    entries: ReadonlyArray<{ textHash: string; vector: readonly number[] }>,
  ): Promise<void>;
}

/** Hex SHA-256 of the UTF-8 text: the cache key within one model and owner. */
export function textHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** An in-process cache, for tests and for callers without a database. */
export function createMemoryEmbeddingCache(): EmbeddingCache & { readonly size: number } {
  const entries = new Map<string, number[]>();
  const key = (model: string, ownerId: string, hash: string): string =>
    `${model}\u0000${ownerId}\u0000${hash}`;
  return {
    async get(model, ownerId, textHashes) {
      const found = new Map<string, number[]>();
      for (const hash of textHashes) {
        const vector = entries.get(key(model, ownerId, hash));
        if (vector) found.set(hash, [...vector]);
      }
      return found;
    },
    async put(model, ownerId, items) {
      for (const { textHash: hash, vector } of items) {
        const at = key(model, ownerId, hash);
        if (!entries.has(at)) entries.set(at, [...vector]);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
