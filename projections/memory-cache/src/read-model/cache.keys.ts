import { ATTACHMENT_STREAM_PREFIX, MEMORY_STREAM_PREFIX, type RecordedEvent } from "@second-brain/contracts";
import { memoryCacheKey } from "@second-brain/read-models";

/** The cache keys a batch of events makes stale, each once: memories, and memories whose attachments changed. */
export function staleCacheKeys(events: readonly RecordedEvent[]): string[] {
  const keys = new Set<string>();
  for (const event of events) {
    if (event.streamId.startsWith(MEMORY_STREAM_PREFIX)) {
      const memoryId = event.streamId.slice(MEMORY_STREAM_PREFIX.length);
      keys.add(memoryCacheKey(event.metadata.ownerId, memoryId));
    } else if (event.streamId.startsWith(ATTACHMENT_STREAM_PREFIX)) {
      // A memory lists its attachments, so an attachment fact changes the cached memory too.
      const memoryId = (event.data as { memoryId?: unknown }).memoryId;
      if (typeof memoryId === "string") keys.add(memoryCacheKey(event.metadata.ownerId, memoryId));
    }
  }
  return [...keys];
}
