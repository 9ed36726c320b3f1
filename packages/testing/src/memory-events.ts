import { randomUUID } from "node:crypto";
import {
  ATTACHMENT_PERSONAL_FIELDS,
  attachmentStreamId,
  MEMORY_EVENT_SCHEMA_VERSION,
  MEMORY_PERSONAL_FIELDS,
  memoryStreamId,
  type AttachmentEvent,
  type EventMetadata,
  type MemoryCreatedData,
  type MemoryEvent,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { encryptFields } from "@second-brain/platform";

/** A plain active semantic note with nothing optional set, but what `fields` give. */
export function memoryCreatedData(
  memoryId: string,
  fields: Partial<MemoryCreatedData> = {},
): MemoryCreatedData {
  return {
    memoryId,
    title: null,
    content: "",
    type: "semantic",
    status: "active",
    tags: [],
    importance: 0.5,
    confidence: 0.5,
    metadata: {},
    sourceUrl: null,
    sessionId: null,
    requestHash: null,
    ...fields,
  };
}

/** A fresh envelope for an event the owner caused, at `occurredAt` (now by default). */
export function eventMetadata(ownerId: string, occurredAt = new Date().toISOString()): EventMetadata {
  return {
    actor: ownerId,
    ownerId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt,
    schemaVersion: MEMORY_EVENT_SCHEMA_VERSION,
  };
}

/**
 * Appends events to a memory's stream as the memory service records them, personal fields
 * encrypted with the owner's `key`, so read models can be tested without the memory service.
 * `occurredAt` gives each event's time (now when absent).
 */
export async function appendMemoryEvents(
  store: EventStore,
  memoryId: string,
  ownerId: string,
  key: Buffer,
  events: readonly MemoryEvent[],
  occurredAt?: () => string,
): Promise<void> {
  const streamId = memoryStreamId(memoryId);
  await store.appendToStream(
    streamId,
    events.map((event) => {
      const id = randomUUID();
      return {
        id,
        type: event.type,
        data: encryptFields(event.data, MEMORY_PERSONAL_FIELDS[event.type], key, { ...event, id, streamId }),
        metadata: eventMetadata(ownerId, occurredAt?.()),
      };
    }),
    { expectedVersion: await store.streamVersion(streamId) },
  );
}

/** Appends one attachment fact as the attachment service records it, the filename encrypted. */
export async function appendAttachmentEvent(
  store: EventStore,
  ownerId: string,
  key: Buffer,
  event: AttachmentEvent,
): Promise<void> {
  const streamId = attachmentStreamId(event.data.attachmentId);
  const id = randomUUID();
  await store.appendToStream(
    streamId,
    [
      {
        id,
        type: event.type,
        data: encryptFields(event.data, ATTACHMENT_PERSONAL_FIELDS[event.type], key, {
          ...event,
          id,
          streamId,
        }),
        metadata: eventMetadata(ownerId),
      },
    ],
    { expectedVersion: await store.streamVersion(streamId) },
  );
}
