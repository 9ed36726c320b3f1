import type { EventMetadata, Memory, MemoryEvent } from "@second-brain/contracts";

/** A memory as the search table keeps it: the client's view, its owner, and its vector. */
export interface SearchDocument extends Memory {
  ownerId: string;
  /** null until embedded (or when embedding failed: the row is still found by words). */
  embedding: number[] | null;
}

/** A memory event after decryption, with what the projection needs from its envelope. */
export type DecryptedMemoryEvent = MemoryEvent & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "ownerId" | "occurredAt">;
};

export const MEMORY_EVENT_TYPES: ReadonlySet<string> = new Set([
  "MemoryCreated",
  "MemoryEdited",
  "MemoryTagsSet",
  "MemoryLinked",
  "MemoryArchived",
  "MemoryRestored",
  "MemoryDeleted",
]);

/**
 * Folds one event into a search document. Pure, so a rebuild from position 0 gives the same rows.
 * An event the document already reflects returns it unchanged. `null` out means nothing is kept:
 * a deleted memory leaves the table (search must never show it), and events of a memory the table
 * does not hold (deleted, or an erased owner's) are ignored. Deleting instead of keeping a tombstone
 * is safe because rows and checkpoint commit together: an event is only ever re-applied when its
 * batch did not commit, and then the row was not deleted either.
 */
export function evolveSearchDocument(
  doc: SearchDocument | null,
  event: DecryptedMemoryEvent,
): SearchDocument | null {
  if (doc && event.streamVersion <= doc.version) return doc;
  if (event.type === "MemoryCreated") {
    if (doc) return doc;
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
      embedding: null,
    };
  }
  if (!doc) return null;
  const next: SearchDocument = { ...doc, version: event.streamVersion, updatedAt: event.metadata.occurredAt };
  switch (event.type) {
    case "MemoryEdited": {
      const { memoryId: _id, ...changes } = event.data;
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
      }
      // A new text needs a new vector; the old one would rank the memory by what it used to say.
      if (embeddingText(next) !== embeddingText(doc)) next.embedding = null;
      return next;
    }
    case "MemoryTagsSet":
      return { ...next, tags: [...event.data.tags] };
    case "MemoryLinked": {
      const { targetId, linkType } = event.data;
      const known = doc.links.some((link) => link.targetId === targetId && link.type === linkType);
      return known ? next : { ...next, links: [...doc.links, { targetId, type: linkType }] };
    }
    case "MemoryArchived":
      return { ...next, status: "archived" };
    case "MemoryRestored":
      return { ...next, status: "active" };
    case "MemoryDeleted":
      return null;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled memory event ${(unknown as { type: string }).type}`);
    }
  }
}

/** Whether an event continues the document's history, was already applied, or skips ahead (a bug). */
export function versionCheck(doc: SearchDocument | null, streamVersion: number): "apply" | "applied" | "gap" {
  if (!doc) return "apply";
  if (streamVersion <= doc.version) return "applied";
  return streamVersion === doc.version + 1 ? "apply" : "gap";
}

/**
 * What is embedded: title and content. Long contents are cut: sentence encoders read a bounded
 * window anyway (USE-lite's cost grows with length, OpenAI's models stop at 8k tokens), and the
 * start of a note says what it is about. Full text search still covers every word.
 */
export const MAX_EMBEDDED_CHARS = 4_000;

export function embeddingText(doc: Pick<Memory, "title" | "content">): string {
  const text = doc.title ? `${doc.title}\n${doc.content}` : doc.content;
  return text.length <= MAX_EMBEDDED_CHARS ? text : text.slice(0, MAX_EMBEDDED_CHARS);
}
