import { MEMORY_STREAM_PREFIX, USER_ERASED, type RecordedEvent } from "@second-brain/contracts";
import { attachmentMemoryOf, memoryCacheKey, ownerCachePrefix } from "@second-brain/read-models";

/** The cache keys a batch of events makes stale, each once: memories, and memories whose attachments changed. */
export function staleCacheKeys(events: readonly RecordedEvent[]): string[] {
  const keys = new Set<string>();
  for (const event of events) {
    if (event.streamId.startsWith(MEMORY_STREAM_PREFIX)) {
      const memoryId = event.streamId.slice(MEMORY_STREAM_PREFIX.length);
      keys.add(memoryCacheKey(event.metadata.ownerId, memoryId));
      continue;
    }
    // A memory lists its attachments, so an attachment fact changes the cached memory too.
    const attached = attachmentMemoryOf(event);
    if (attached) keys.add(memoryCacheKey(attached.ownerId, attached.memoryId));
  }
  return [...keys];
}

/** The key prefixes of the users a batch erases: everything cached of theirs goes. */
export function erasedOwnerPrefixes(events: readonly RecordedEvent[]): string[] {
  const erased = events.filter((event) => event.type === USER_ERASED).map((event) => event.metadata.ownerId);
  return [...new Set(erased)].map(ownerCachePrefix);
}
