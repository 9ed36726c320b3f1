import type { Embedder } from "./embedder.ts";
import { textHash, type EmbeddingCache } from "./embedding-cache.ts";

/**
 * Puts a cache in front of an embedder. Only misses reach `inner`, in one call; a text that a
 * concurrent caller is already embedding is waited for, not embedded twice. Vectors are rounded to
 * single precision whether they come fresh or from the cache (which stores `real`), so a rebuild
 * sees the same numbers as the first build.
 */
export function createCachedEmbedder(inner: Embedder, cache: EmbeddingCache): Embedder {
  const inFlight = new Map<string, Promise<number[]>>();

  const resolveMisses = async (hashes: string[], texts: string[]): Promise<Map<string, number[]>> => {
    const found = await cache.get(inner.model, hashes);
    const missing = hashes
      .map((hash, i) => ({ hash, text: texts[i]! }))
      .filter(({ hash }) => !found.has(hash));
    if (missing.length > 0) {
      const vectors = await inner.embed(missing.map((miss) => miss.text));
      if (vectors.length !== missing.length) {
        throw new Error(`${inner.model} returned ${vectors.length} vectors for ${missing.length} texts.`);
      }
      const fresh = missing.map((miss, i) => ({ textHash: miss.hash, vector: vectors[i]!.map(Math.fround) }));
      await cache.put(inner.model, fresh);
      for (const entry of fresh) found.set(entry.textHash, entry.vector);
    }
    return found;
  };

  return {
    model: inner.model,
    dimensions: inner.dimensions,
    async embed(texts) {
      if (texts.length === 0) return [];
      const hashes = texts.map(textHash);
      const mine = new Map<string, string>(); // hash -> text, for keys this call must produce
      for (let i = 0; i < texts.length; i++) {
        if (!inFlight.has(hashes[i]!) && !mine.has(hashes[i]!)) mine.set(hashes[i]!, texts[i]!);
      }
      if (mine.size > 0) {
        // Registered before the first await, so concurrent callers find these keys in flight.
        const work = resolveMisses([...mine.keys()], [...mine.values()]);
        for (const hash of mine.keys()) {
          const key = hash;
          const entry = work.then((found) => found.get(key)!);
          inFlight.set(key, entry);
          void entry.then(
            () => inFlight.delete(key),
            () => inFlight.delete(key),
          );
        }
      }
      const vectors = await Promise.all(hashes.map((hash) => inFlight.get(hash)!));
      return vectors.map((vector) => [...vector]);
    },
    close: () => inner.close(),
  };
}
