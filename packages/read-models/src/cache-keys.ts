/** The key under which the memories service caches one memory for its owner (the cache projection clears it). */
export const memoryCacheKey = (ownerId: string, memoryId: string): string => `memory:${ownerId}:${memoryId}`;

/**
 * Search result caches are keyed by the owner's generation; the search projection sets a fresh one
 * after each commit that touched the owner, so a write invalidates every cached result without a scan.
 */
export function ownerGenerationKey(ownerId: string): string {
  return `search:gen:${ownerId}`;
}

export const GENERATION_TTL_SECONDS = 7 * 24 * 3600;
