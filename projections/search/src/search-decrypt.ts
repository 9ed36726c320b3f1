import {
  MEMORY_PERSONAL_FIELDS,
  USER_ERASED,
  type MemoryEventType,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields, type Keyring } from "@second-brain/platform";
import { MEMORY_EVENT_TYPES, type DecryptedMemoryEvent } from "./search-document.ts";

/** What reading one stored event gave: a plain memory event, an erased owner, or not ours. */
export type DecodedEvent =
  { kind: "memory"; event: DecryptedMemoryEvent } | { kind: "erased"; ownerId: string } | { kind: "other" };

export type KeyLookup = (ownerId: string) => Promise<Buffer | undefined>;

/**
 * Fetches the key of every owner in the batch once, before any transaction opens: on PGlite the
 * pool is one connection, so a lookup from inside a transaction would wait for itself.
 */
export async function prefetchKeys(keyring: Keyring, events: readonly RecordedEvent[]): Promise<KeyLookup> {
  const keys = new Map<string, Promise<Buffer | undefined>>();
  const lookup: KeyLookup = (ownerId) => {
    let key = keys.get(ownerId);
    if (!key) {
      key = keyring.getKey(ownerId);
      keys.set(ownerId, key);
    }
    return key;
  };
  const owners = new Set(
    events.filter((event) => MEMORY_EVENT_TYPES.has(event.type)).map((e) => e.metadata.ownerId),
  );
  await Promise.all([...owners].map(lookup));
  return lookup;
}

export async function decodeMemoryEvent(event: RecordedEvent, keyOf: KeyLookup): Promise<DecodedEvent> {
  // Erasure announces itself, so an owner who never writes again is still purged.
  if (event.type === USER_ERASED) return { kind: "erased", ownerId: event.metadata.ownerId };
  if (!MEMORY_EVENT_TYPES.has(event.type)) return { kind: "other" };
  const type = event.type as MemoryEventType;
  const ownerId = event.metadata.ownerId;
  const key = await keyOf(ownerId);
  // No key: the owner was erased (crypto-shredding), so nothing of theirs may be indexed.
  if (!key) return { kind: "erased", ownerId };
  const fields = MEMORY_PERSONAL_FIELDS[type];
  const data = fields.length > 0 ? decryptFields(event.data as object, fields, key) : event.data;
  return {
    kind: "memory",
    event: {
      type,
      data,
      streamVersion: event.streamVersion,
      metadata: { ownerId, occurredAt: event.metadata.occurredAt },
    } as DecryptedMemoryEvent,
  };
}
