import { randomUUID } from "node:crypto";
import type { Cache } from "@second-brain/platform";

/**
 * Every cache key that holds anything of a user starts with the user's prefix, so an erasure
 * removes all of them with one prefix delete (the memory-cache projection does, on `UserErased`).
 */
export const ownerCachePrefix = (ownerId: string): string => `u:${ownerId}:`;

/**
 * The key under which the memory views cache one memory for its owner. An entry is trusted only at
 * the stream's head version and at the memory's current attachment generation (see below); the
 * cache projection clears entries as their memories change.
 */
export const memoryCacheKey = (ownerId: string, memoryId: string): string =>
  `${ownerCachePrefix(ownerId)}memory:${memoryId}`;

/**
 * A memory's attachments are facts of other streams, so its version does not move when a file is
 * attached or removed. The memory views give the memory a fresh generation after each commit that
 * touched its attachments; a cached memory stored under an older generation is not trusted.
 */
export const memoryAttachmentsGenerationKey = (ownerId: string, memoryId: string): string =>
  `${ownerCachePrefix(ownerId)}memory-generation:${memoryId}`;

/**
 * Search result caches are keyed by the owner's generation; the search projection sets a fresh one
 * after each commit that touched the owner, so a write invalidates every cached result without a scan.
 */
export function ownerGenerationKey(ownerId: string): string {
  return `${ownerCachePrefix(ownerId)}search-generation`;
}

/** One cached search answer: the owner's, at the owner's generation, for one search table and request. */
export const searchResultKey = (ownerId: string, table: string, generation: string, requestHash: string) =>
  `${ownerCachePrefix(ownerId)}search:${table}:${generation}:${requestHash}`;

/**
 * A search query's embedding, cached per owner: a shared entry would let one user's search time
 * tell whether another user searched for the same words.
 */
export const queryVectorKey = (ownerId: string, model: string, queryHash: string) =>
  `${ownerCachePrefix(ownerId)}query-vector:${model}:${queryHash}`;

/** Outlives every entry stored under a generation, so an entry never meets a generation reset under it. */
export const GENERATION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Cache generations, one way for every cache that is stale when a projection commits.
 *
 * A reader takes the generation BEFORE it reads the read model and stores what it read under that
 * generation; the projection sets a fresh one AFTER it commits. So an answer read before a commit
 * is always stored under an older generation than the one set after it, and is never trusted again,
 * even when the reader's write to the cache lands after the projection's.
 */
export const cacheGenerations = {
  /** The current generation; a fresh one when none is known (expired, evicted, or never set). */
  async current(cache: Cache, key: string): Promise<string> {
    const known = await cache.get<string>(key);
    if (known) return known;
    const fresh = randomUUID();
    await cache.set(key, fresh, GENERATION_TTL_SECONDS);
    return fresh;
  },
  /** Makes every entry stored under the key's earlier generations stale. */
  async renew(cache: Cache, keys: Iterable<string>): Promise<void> {
    await Promise.all([...keys].map((key) => cache.set(key, randomUUID(), GENERATION_TTL_SECONDS)));
  },
};
