import {
  ATTACHMENT_PERSONAL_FIELDS,
  MEMORY_PERSONAL_FIELDS,
  type AttachmentEvent,
  USER_ERASED,
  type MemoryEventType,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields, type Keyring } from "@second-brain/platform";
import { MEMORY_EVENT_TYPES, type AttachmentChange, type DecryptedMemoryEvent } from "./memories.evolve.ts";

/** What reading one stored event gave: a plain memory event, an erased owner, or not ours. */
export type DecodedEvent =
  | { kind: "memory"; event: DecryptedMemoryEvent }
  | { kind: "attachment"; memoryId: string; change: AttachmentChange }
  | { kind: "erased"; ownerId: string }
  | { kind: "other" };

const ATTACHMENT_EVENT_TYPES: ReadonlySet<string> = new Set(["AttachmentAdded", "AttachmentDeleted"]);
const needsKey = (type: string) => MEMORY_EVENT_TYPES.has(type) || ATTACHMENT_EVENT_TYPES.has(type);

export type KeyLookup = (ownerId: string) => Promise<Buffer | undefined>;

/** Looks each owner's key up once per batch instead of once per event. */
export function batchKeyLookup(keyring: Keyring): KeyLookup {
  const keys = new Map<string, Promise<Buffer | undefined>>();
  return (ownerId) => {
    let key = keys.get(ownerId);
    if (!key) {
      key = keyring.getKey(ownerId);
      keys.set(ownerId, key);
    }
    return key;
  };
}

/**
 * Fetches the keys of every owner in the batch before a transaction opens. The keyring reads
 * through the pool, and on PGlite the pool is one connection: a lookup from inside the
 * transaction would wait for the transaction's own connection forever.
 */
export async function prefetchKeys(keyring: Keyring, events: readonly RecordedEvent[]): Promise<KeyLookup> {
  const lookup = batchKeyLookup(keyring);
  const owners = new Set(events.filter((event) => needsKey(event.type)).map((e) => e.metadata.ownerId));
  await Promise.all([...owners].map(lookup));
  return lookup;
}

export async function decodeMemoryEvent(event: RecordedEvent, keyOf: KeyLookup): Promise<DecodedEvent> {
  // Erasure announces itself, so an owner who never writes again is still purged.
  if (event.type === USER_ERASED) return { kind: "erased", ownerId: event.metadata.ownerId };
  if (!needsKey(event.type)) return { kind: "other" };
  const ownerId = event.metadata.ownerId;
  const key = await keyOf(ownerId);
  // No key: the owner was erased (crypto-shredding), so nothing of theirs may be projected.
  if (!key) return { kind: "erased", ownerId };
  if (ATTACHMENT_EVENT_TYPES.has(event.type)) return decodeAttachmentEvent(event as AttachmentRecorded, key);
  const type = event.type as MemoryEventType;
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

type AttachmentRecorded = RecordedEvent & AttachmentEvent;

function decodeAttachmentEvent(event: AttachmentRecorded, key: Buffer): DecodedEvent {
  if (event.type === "AttachmentDeleted") {
    return { kind: "attachment", memoryId: event.data.memoryId, change: { remove: event.data.attachmentId } };
  }
  const data = decryptFields(event.data, ATTACHMENT_PERSONAL_FIELDS.AttachmentAdded, key);
  const { attachmentId, filename, contentType, size, sha256 } = data;
  return {
    kind: "attachment",
    memoryId: data.memoryId,
    change: { add: { id: attachmentId, filename, contentType, size, sha256 } },
  };
}
