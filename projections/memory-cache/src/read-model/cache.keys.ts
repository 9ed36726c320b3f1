import { MEMORY_STREAM_PREFIX, type RecordedEvent } from "@second-brain/contracts";
import { attachmentMemoryOf, memoryCacheKey } from "@second-brain/read-models";

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
