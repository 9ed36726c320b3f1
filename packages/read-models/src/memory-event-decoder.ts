import {
  ATTACHMENT_PERSONAL_FIELDS,
  MEMORY_PERSONAL_FIELDS,
  MEMORY_STREAM_PREFIX,
  USER_ERASED,
  type AttachmentEvent,
  type AttachmentEventEnvelope,
  type MemoryEventEnvelope,
  type MemoryEventType,
  type RecordedEvent,
} from "@second-brain/contracts";
import { decryptFields, type Keyring } from "@second-brain/platform";

/**
 * Reading the log for the memory read models: which events are a memory's, decrypted with the
 * owner's key, in the shape the shared fold takes (packages/contracts/src/memory-fold.ts).
 */
const ATTACHMENT_EVENT_TYPES: ReadonlySet<string> = new Set(["AttachmentAdded", "AttachmentDeleted"]);

/** A memory's own stream, or a fact about one of its attachments: both need the owner's key. */
const isMemoryFact = (event: RecordedEvent) =>
  event.streamId.startsWith(MEMORY_STREAM_PREFIX) || ATTACHMENT_EVENT_TYPES.has(event.type);

/** The memory an attachment fact is about; its id is not personal, so it is readable without the key. */
export function attachmentMemoryOf(event: RecordedEvent): { ownerId: string; memoryId: string } | undefined {
  if (!ATTACHMENT_EVENT_TYPES.has(event.type)) return undefined;
  const memoryId = (event.data as { memoryId?: unknown }).memoryId;
  return typeof memoryId === "string" ? { ownerId: event.metadata.ownerId, memoryId } : undefined;
}

/** What reading one stored event gave: a memory's or attachment's event, an erased owner, or not ours. */
export type DecodedEvent =
  | { kind: "memory"; event: MemoryEventEnvelope }
  | { kind: "attachment"; event: AttachmentEventEnvelope }
  | { kind: "erased"; ownerId: string }
  | { kind: "other" };

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
 * Fetches the keys of every owner in the batch whose events `needsKey`, before a transaction opens.
 * The keyring reads through the pool, and on PGlite the pool is one connection: a lookup from
 * inside the transaction would wait for the transaction's own connection forever.
 */
export async function prefetchKeys(
  keyring: Keyring,
  events: readonly RecordedEvent[],
  needsKey: (event: RecordedEvent) => boolean = isMemoryFact,
): Promise<KeyLookup> {
  const lookup = batchKeyLookup(keyring);
  const owners = new Set(events.filter(needsKey).map((event) => event.metadata.ownerId));
  await Promise.all([...owners].map(lookup));
  return lookup;
}

export async function decodeMemoryEvent(event: RecordedEvent, keyOf: KeyLookup): Promise<DecodedEvent> {
  // Erasure announces itself, so an owner who never writes again is still purged.
  if (event.type === USER_ERASED) return { kind: "erased", ownerId: event.metadata.ownerId };
  if (!isMemoryFact(event)) return { kind: "other" };
  const ownerId = event.metadata.ownerId;
  const key = await keyOf(ownerId);
  // No key: the owner was erased (crypto-shredding), so nothing of theirs may be projected.
  if (!key) return { kind: "erased", ownerId };
  const metadata = { ownerId, occurredAt: event.metadata.occurredAt };
  if (ATTACHMENT_EVENT_TYPES.has(event.type)) {
    return { kind: "attachment", event: decodeAttachmentEvent(event as AttachmentRecorded, key, metadata) };
  }
  const memoryId = event.streamId.slice(MEMORY_STREAM_PREFIX.length);
  // A type this code does not know (a newer writer's) reaches the fold as it is; the fold skips it.
  const fields = MEMORY_PERSONAL_FIELDS[event.type as MemoryEventType] ?? [];
  const data = fields.length > 0 ? decryptFields(event.data as object, fields, key, event) : event.data;
  return {
    kind: "memory",
    event: {
      type: event.type,
      data: { memoryId, ...(data as object) },
      streamVersion: event.streamVersion,
      metadata,
    } as MemoryEventEnvelope,
  };
}

type AttachmentRecorded = RecordedEvent & AttachmentEvent;

function decodeAttachmentEvent(
  event: AttachmentRecorded,
  key: Buffer,
  metadata: AttachmentEventEnvelope["metadata"],
): AttachmentEventEnvelope {
  if (event.type === "AttachmentDeleted") {
    const { attachmentId, memoryId } = event.data;
    return { type: "AttachmentDeleted", data: { attachmentId, memoryId }, metadata };
  }
  const data = decryptFields(event.data, ATTACHMENT_PERSONAL_FIELDS.AttachmentAdded, key, event);
  const { attachmentId, memoryId, filename, contentType, size, sha256 } = data;
  return {
    type: "AttachmentAdded",
    data: { attachmentId, memoryId, filename, contentType, size, sha256 },
    metadata,
  };
}
