import { copiedVector } from "@second-brain/platform";
import type { Embedder } from "./embedder.ts";
import { textHash, type EmbeddingCache } from "./embedding-cache.ts";

/**
 * Puts a cache in front of an embedder for the texts of one owner at a time (the search index's
 * memories). Only misses reach `inner`, in one call; a text that a concurrent caller is already
 * embedding for the same owner is waited for, not embedded twice. Vectors are rounded to single
 * precision whether they come fresh or from the cache (which stores `real`), so a rebuild sees the
 * same numbers as the first build.
 *
 * Texts without an owner (a search query) are embedded and not cached here: a query is kept, per
 * user and briefly, in the search service's cache, never in this table that outlives requests.
 */
export function createCachedEmbedder(inner: Embedder, cache: EmbeddingCache): Embedder {
  const inFlight = new Map<string, Promise<number[]>>();

  const resolveMisses = async (
    ownerId: string,
    hashes: string[],
    texts: string[],
  ): Promise<Map<string, number[]>> => {
    const found = await cache.get(inner.model, ownerId, hashes);
    const missing = hashes
      .map((hash, i) => ({ hash, text: texts[i]! }))
      .filter(({ hash }) => !found.has(hash));
    if (missing.length > 0) {
      const vectors = await inner.embed(missing.map((miss) => miss.text));
      if (vectors.length !== missing.length) {
        throw new Error(`${inner.model} returned ${vectors.length} vectors for ${missing.length} texts.`);
      }
      const fresh = missing.map((miss, i) => ({ textHash: miss.hash, vector: vectors[i]!.map(Math.fround) }));
      await cache.put(inner.model, ownerId, fresh);
      for (const entry of fresh) found.set(entry.textHash, entry.vector);
    }
    return found;
  };

  const embedOwned = async (texts: readonly string[], ownerId: string): Promise<number[][]> => {
    const hashes = texts.map(textHash);
    const keyOf = (hash: string) => `${ownerId}\n${hash}`;
    const mine = new Map<string, string>(); // hash -> text, for keys this call must produce
    for (let i = 0; i < texts.length; i++) {
      const hash = hashes[i]!;
      if (!inFlight.has(keyOf(hash)) && !mine.has(hash)) mine.set(hash, texts[i]!);
    }
    if (mine.size > 0) {
      // Registered before the first await, so concurrent callers find these keys in flight.
      const work = resolveMisses(ownerId, [...mine.keys()], [...mine.values()]);
      for (const hash of mine.keys()) {
        const key = keyOf(hash);
        const entry = work.then((found) => found.get(hash)!);
        inFlight.set(key, entry);
        void entry.then(
          () => inFlight.delete(key),
          () => inFlight.delete(key),
        );
      }
    }
    const vectors = await Promise.all(hashes.map((hash) => inFlight.get(keyOf(hash))!));
    // Copies, so a caller cannot change the cached vectors; their text, made once, goes with them.
    return vectors.map(copiedVector);
  };

  return {
    model: inner.model,
    dimensions: inner.dimensions,
    async embed(texts, ownerId) {
      if (texts.length === 0) return [];
      if (ownerId === undefined) {
        const vectors = await inner.embed(texts);
        return vectors.map((vector) => vector.map(Math.fround));
      }
      return embedOwned(texts, ownerId);
    },
    close: () => inner.close(),
  };
}
