import type { AttachmentAddedData, AttachmentDeletedData } from "./attachment.ts";
import type { EventMetadata } from "./events.ts";
import type { Memory, MemoryEvent } from "./memory.ts";

/**
 * The one fold of a memory's events. The write side (services/memory/src/domain/memory.ts), the
 * memories read model and the search read model all fold with it, so a memory is the same wherever
 * it is read; what each keeps beside it (a tombstone, a vector) is a thin mapping on top.
 */

/** A memory as its events make it: the client's view plus what the fold itself needs. */
export interface FoldedMemory extends Memory {
  ownerId: string;
  /** The status an archived memory returns to when restored: a restored draft is a draft again. */
  statusBeforeArchive: "draft" | "active";
}

/** A recorded memory event, decrypted, with what the fold needs of its envelope. */
export type MemoryEventEnvelope = MemoryEvent & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "occurredAt" | "ownerId">;
};

/**
 * An attachment fact, decrypted. Attachments live in streams of their own and point at their
 * memory, so they move neither the memory's version nor its `updatedAt`.
 */
export type AttachmentEventEnvelope = (
  | { type: "AttachmentAdded"; data: Omit<AttachmentAddedData, "objectKey"> }
  | { type: "AttachmentDeleted"; data: Pick<AttachmentDeletedData, "attachmentId" | "memoryId"> }
) & { metadata: Pick<EventMetadata, "occurredAt" | "ownerId"> };

export type MemoryFoldEvent = MemoryEventEnvelope | AttachmentEventEnvelope;

export const isAttachmentEvent = (event: MemoryFoldEvent): event is AttachmentEventEnvelope =>
  event.type === "AttachmentAdded" || event.type === "AttachmentDeleted";

/**
 * Folds one event into the memory. Pure. `null` is a memory not created yet; an event other than
 * the creation on `null` is skipped (an erased owner's memory, or events read out of context).
 * An event at or below the memory's version is already in it and changes nothing, so a read model
 * that sees an event again (a redelivery) is not changed by it.
 * An event type this code does not know (written by a newer version) changes nothing but the
 * version, everywhere alike: the memory stays usable, and a read model does not mistake the
 * version it skipped for a lost event.
 */
export function evolveMemory(state: FoldedMemory | null, event: MemoryFoldEvent): FoldedMemory | null {
  if (isAttachmentEvent(event)) return state && evolveAttachments(state, event);
  if (state && event.streamVersion <= state.version) return state;
  const at = event.metadata.occurredAt;
  const version = event.streamVersion;
  if (event.type === "MemoryCreated") {
    const d = event.data;
    return {
      id: d.memoryId,
      version,
      title: d.title,
      content: d.content,
      type: d.type,
      status: d.status,
      tags: [...d.tags],
      importance: d.importance,
      confidence: d.confidence,
      links: [],
      sourceUrl: d.sourceUrl,
      sessionId: d.sessionId,
      attachments: [],
      metadata: d.metadata,
      createdAt: at,
      updatedAt: at,
      ownerId: event.metadata.ownerId,
      statusBeforeArchive: d.status,
    };
  }
  if (state === null) return null;
  const touched: FoldedMemory = { ...state, version, updatedAt: at };
  switch (event.type) {
    case "MemoryEdited": {
      const { memoryId: _id, ...changes } = event.data;
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) (touched as unknown as Record<string, unknown>)[field] = value;
      }
      // Outside the archive it follows the status, so a read model's column can be derived from it.
      if (changes.status !== undefined) touched.statusBeforeArchive = changes.status;
      return touched;
    }
    case "MemoryTagsSet":
      return { ...touched, tags: [...event.data.tags] };
    case "MemoryLinked": {
      // A link is a (target, type) pair: linking the same pair again is the same link.
      const { targetId, linkType } = event.data;
      const known = state.links.some((link) => link.targetId === targetId && link.type === linkType);
      return known ? touched : { ...touched, links: [...state.links, { targetId, type: linkType }] };
    }
    case "MemoryArchived":
      return {
        ...touched,
        status: "archived",
        statusBeforeArchive: state.status === "draft" ? "draft" : "active",
      };
    case "MemoryRestored":
      return { ...touched, status: state.statusBeforeArchive };
    case "MemoryDeleted":
      return { ...touched, status: "deleted" };
    default: {
      const _unknown: never = event;
      return { ...state, version };
    }
  }
}

/**
 * The memory lists its attachments. Adding an id already listed, or removing one that is not,
 * changes nothing, so a redelivered fact is harmless; a deleted memory's list no longer changes.
 */
function evolveAttachments(state: FoldedMemory, event: AttachmentEventEnvelope): FoldedMemory {
  if (state.status === "deleted") return state;
  const listed = state.attachments.some((attachment) => attachment.id === event.data.attachmentId);
  if (event.type === "AttachmentAdded") {
    if (listed) return state;
    const { attachmentId: id, filename, contentType, size, sha256 } = event.data;
    return { ...state, attachments: [...state.attachments, { id, filename, contentType, size, sha256 }] };
  }
  if (!listed) return state;
  const attachments = state.attachments.filter((attachment) => attachment.id !== event.data.attachmentId);
  return { ...state, attachments };
}

/** What a client sees of a folded memory (its owner and restore status stay on the server). */
export function memoryView(state: FoldedMemory): Memory {
  return {
    id: state.id,
    version: state.version,
    title: state.title,
    content: state.content,
    type: state.type,
    status: state.status,
    tags: [...state.tags],
    importance: state.importance,
    confidence: state.confidence,
    links: state.links.map((link) => ({ ...link })),
    sourceUrl: state.sourceUrl,
    sessionId: state.sessionId,
    attachments: state.attachments.map((attachment) => ({ ...attachment })),
    metadata: state.metadata,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}
