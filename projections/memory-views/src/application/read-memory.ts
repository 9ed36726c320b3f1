import { memoryStreamId, NotFoundError, type Memory } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import type { Cache, Keyring } from "@second-brain/platform";
import type { MemoriesDb } from "../adapters/kysely.ts";
import {
  batchKeyLookup,
  cacheGenerations,
  decodeMemoryEvent,
  memoryAttachmentsGenerationKey,
  memoryCacheKey,
  type MemoryRow,
} from "@second-brain/read-models";
import { evolveMemoryRow, toMemory } from "../read-model/memories.evolve.ts";
import { getMemoryRow } from "../read-model/memories.queries.ts";

export interface MemoryReader {
  db: MemoriesDb;
  store: EventStore;
  keyring: Keyring;
  cache: Cache;
  cacheTtlSeconds?: number;
}

const DEFAULT_CACHE_TTL_SECONDS = 300;

/** A cached memory and the attachment generation it was read under (see cacheGenerations). */
interface CachedMemory {
  memory: Memory;
  generation: string;
}

/**
 * One memory with read-your-writes: whatever the cache or the read model holds is used only when
 * it is at the stream's head version, read first from the log. When the projection lags, the
 * memory is folded from its own stream, which is short. A cached copy is also only used at the
 * memory's current attachment generation, which the projection renews when a file comes or goes.
 * Another owner's, an erased owner's or a deleted memory is "not found".
 */
export async function readMemory(reader: MemoryReader, ownerId: string, id: string): Promise<Memory> {
  const streamId = memoryStreamId(id);
  const head = await reader.store.streamVersion(streamId);
  if (head === 0) throw new NotFoundError("Memory");
  // An erased owner's content must vanish everywhere at once, cached copies included.
  if (!(await reader.keyring.getKey(ownerId))) throw new NotFoundError("Memory");
  const key = memoryCacheKey(ownerId, id);
  // The generation is read before the read model, so what is read below is stored under it.
  const [cached, generation] = await Promise.all([
    reader.cache.get<CachedMemory>(key),
    cacheGenerations.current(reader.cache, memoryAttachmentsGenerationKey(ownerId, id)),
  ]);
  if (cached?.generation === generation && cached.memory.version === head) return cached.memory;

  const stored = await getMemoryRow(reader.db, ownerId, id);
  const row =
    stored && stored.version >= head ? stored : await foldLagging(reader, ownerId, streamId, stored);
  if (!row || row.ownerId !== ownerId || row.status === "deleted") throw new NotFoundError("Memory");
  const memory = toMemory(row);
  // Safe even if stale by the time it lands: a reader only trusts an entry at the current head.
  const entry: CachedMemory = { memory, generation };
  await reader.cache.set(key, entry, reader.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS);
  return memory;
}

/**
 * The memory folded from its own stream, for when the read model lags behind it. Its attachments
 * are facts of other streams, so they are taken from the read model's row, which follows them:
 * an edit never makes a memory's files disappear from its answer.
 */
async function foldLagging(
  reader: MemoryReader,
  ownerId: string,
  streamId: string,
  stored: MemoryRow | null,
): Promise<MemoryRow | null> {
  const folded = await foldStream(reader, ownerId, streamId);
  return folded && stored ? { ...folded, attachments: stored.attachments } : folded;
}

async function foldStream(
  reader: MemoryReader,
  ownerId: string,
  streamId: string,
): Promise<MemoryRow | null> {
  const events = await reader.store.readStream(streamId);
  // Checked before any decryption: another owner's events are not even looked at.
  if (events.length === 0 || events.some((event) => event.metadata.ownerId !== ownerId)) return null;
  const keyOf = batchKeyLookup(reader.keyring);
  let row: MemoryRow | null = null;
  for (const recorded of events) {
    const decoded = await decodeMemoryEvent(recorded, keyOf);
    if (decoded.kind === "erased") return null;
    if (decoded.kind === "memory") row = evolveMemoryRow(row, decoded.event);
  }
  return row;
}
