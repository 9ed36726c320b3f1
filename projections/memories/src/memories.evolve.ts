import type { AttachmentRef, EventMetadata, Memory, MemoryEvent } from "@second-brain/contracts";

/** A memory as the read model keeps it: the client's view plus its owner. */
export interface MemoryRow extends Memory {
  ownerId: string;
}

/** A memory event after decryption, with what the projection needs from its envelope. */
export type DecryptedMemoryEvent = MemoryEvent & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "ownerId" | "occurredAt">;
};

/**
 * Folds one event into a row. Pure: the same events give the same row, which is what makes a
 * rebuild from position 0 identical to the live read model. An event the row already reflects
 * (version at or below the row's) returns the row unchanged, so a redelivered event is harmless.
 * `null` in means the memory is unknown; `null` out means there is nothing to keep.
 */
export function evolveMemoryRow(row: MemoryRow | null, event: DecryptedMemoryEvent): MemoryRow | null {
  if (row && event.streamVersion <= row.version) return row;
  if (event.type === "MemoryCreated") {
    if (row) return row;
    const data = event.data;
    return {
      id: data.memoryId,
      ownerId: event.metadata.ownerId,
      version: event.streamVersion,
      title: data.title,
      content: data.content,
      type: data.type,
      status: data.status,
      tags: [...data.tags],
      importance: data.importance,
      confidence: data.confidence,
      links: [],
      sourceUrl: data.sourceUrl,
      sessionId: data.sessionId,
      attachments: [],
      metadata: data.metadata,
      createdAt: event.metadata.occurredAt,
      updatedAt: event.metadata.occurredAt,
    };
  }
  // Anything but a creation needs the memory: without it (an erased owner's purged rows) skip.
  if (!row) return null;
  const next: MemoryRow = { ...row, version: event.streamVersion, updatedAt: event.metadata.occurredAt };
  switch (event.type) {
    case "MemoryEdited": {
      const { memoryId: _id, ...changes } = event.data;
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
      }
      return next;
    }
    case "MemoryTagsSet":
      return { ...next, tags: [...event.data.tags] };
    case "MemoryLinked": {
      const { targetId, linkType } = event.data;
      const known = row.links.some((link) => link.targetId === targetId && link.type === linkType);
      return known ? next : { ...next, links: [...row.links, { targetId, type: linkType }] };
    }
    case "MemoryArchived":
      return { ...next, status: "archived" };
    case "MemoryRestored":
      return { ...next, status: "active" };
    case "MemoryDeleted":
      // Kept as a tombstone: a late duplicate of MemoryCreated then cannot bring the memory back.
      return { ...next, status: "deleted" };
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled memory event ${(unknown as { type: string }).type}`);
    }
  }
}

/** Whether an event continues the row's history, was already applied, or skips ahead (a bug). */
/**
 * Attachments live in streams of their own and point at their memory; the row lists them. Adding
 * an id already listed, or removing one that is not, changes nothing, so redelivery is harmless.
 */
export type AttachmentChange = { add: AttachmentRef } | { remove: string };

export function evolveAttachments(row: MemoryRow, change: AttachmentChange): MemoryRow {
  if ("add" in change) {
    if (row.attachments.some((attachment) => attachment.id === change.add.id)) return row;
    return { ...row, attachments: [...row.attachments, change.add] };
  }
  if (!row.attachments.some((attachment) => attachment.id === change.remove)) return row;
  return { ...row, attachments: row.attachments.filter((attachment) => attachment.id !== change.remove) };
}

export function versionCheck(row: MemoryRow | null, streamVersion: number): "apply" | "applied" | "gap" {
  if (!row) return "apply";
  if (streamVersion <= row.version) return "applied";
  return streamVersion === row.version + 1 ? "apply" : "gap";
}

export const MEMORY_EVENT_TYPES: ReadonlySet<string> = new Set([
  "MemoryCreated",
  "MemoryEdited",
  "MemoryTagsSet",
  "MemoryLinked",
  "MemoryArchived",
  "MemoryRestored",
  "MemoryDeleted",
]);

/** The Memory DTO of a row (the owner stays on the server side). */
export function toMemory(row: MemoryRow): Memory {
  const { ownerId: _owner, ...memory } = row;
  return memory;
}
