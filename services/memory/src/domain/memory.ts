import type {
  AttachmentRef,
  EventMetadata,
  Memory,
  MemoryEvent,
  MemoryLink,
  MemoryStatus,
  MemoryType,
  Metadata,
} from "@second-brain/contracts";

/** A memory as the write side knows it: the REST fields plus what only the domain needs. */
export interface MemoryFields {
  id: string;
  ownerId: string;
  /** Stream version of the last event folded in (1 after creation). */
  version: number;
  title: string | null;
  content: string;
  type: MemoryType;
  status: MemoryStatus;
  /** The status an archived memory returns to when restored (a draft stays a draft). */
  statusBeforeArchive: "draft" | "active";
  tags: string[];
  importance: number;
  confidence: number;
  links: MemoryLink[];
  sourceUrl: string | null;
  sessionId: string | null;
  attachments: AttachmentRef[];
  metadata: Metadata;
  /** HMAC of the create request under an Idempotency-Key (see application/idempotency.ts). */
  requestHash: string | null;
  createdAt: string;
  updatedAt: string;
  /** Deleted memories stay in the log but no longer exist for clients. */
  deleted: boolean;
}

/** null until the MemoryCreated event. */
export type MemoryState = MemoryFields | null;

export const initialState = (): MemoryState => null;

/** What `evolve` needs of a recorded event: its type and data, when it happened, its version. */
export type MemoryEventEnvelope = MemoryEvent & {
  streamVersion: number;
  metadata: Pick<EventMetadata, "occurredAt" | "ownerId">;
};

export function evolve(state: MemoryState, event: MemoryEventEnvelope): MemoryState {
  const at = event.metadata.occurredAt;
  const version = event.streamVersion;
  if (event.type === "MemoryCreated") {
    const d = event.data;
    return {
      id: d.memoryId,
      ownerId: event.metadata.ownerId,
      version,
      title: d.title,
      content: d.content,
      type: d.type,
      status: d.status,
      statusBeforeArchive: d.status,
      tags: [...d.tags],
      importance: d.importance,
      confidence: d.confidence,
      links: [],
      sourceUrl: d.sourceUrl,
      sessionId: d.sessionId,
      attachments: [],
      metadata: d.metadata,
      requestHash: d.requestHash,
      createdAt: at,
      updatedAt: at,
      deleted: false,
    };
  }
  // Events other than the creation only make sense on an existing memory; a stray one is skipped.
  if (state === null) return state;
  const touched = { ...state, version, updatedAt: at };
  switch (event.type) {
    case "MemoryEdited": {
      const { memoryId: _id, ...changes } = event.data;
      const next: MemoryFields = { ...touched };
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
      }
      return next;
    }
    case "MemoryTagsSet":
      return { ...touched, tags: [...event.data.tags] };
    case "MemoryLinked":
      return {
        ...touched,
        links: [...state.links, { targetId: event.data.targetId, type: event.data.linkType }],
      };
    case "MemoryArchived":
      return {
        ...touched,
        status: "archived",
        statusBeforeArchive: state.status === "draft" ? "draft" : "active",
      };
    case "MemoryRestored":
      return { ...touched, status: state.statusBeforeArchive };
    case "MemoryDeleted":
      return { ...touched, status: "deleted", deleted: true };
    default: {
      // An event type this code does not know yet (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return { ...state, version };
    }
  }
}

export function foldMemory(
  events: readonly MemoryEventEnvelope[],
  from: MemoryState = initialState(),
): MemoryState {
  return events.reduce(evolve, from);
}

/** The REST representation. Callers make sure the memory exists and is not deleted. */
export function toMemory(state: MemoryFields): Memory {
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
