/** The Memory as clients see it, and the events that make up its history. */

export const MEMORY_TYPES = ["episodic", "semantic", "procedural", "prospective", "working"] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** `deleted` exists in the log and the read model but is never shown to clients. */
export const MEMORY_STATUSES = ["draft", "active", "archived", "deleted"] as const;
export type MemoryStatus = (typeof MEMORY_STATUSES)[number];
export const VISIBLE_MEMORY_STATUSES = ["draft", "active", "archived"] as const;

export type Metadata = Record<string, unknown>;

export interface MemoryLink {
  targetId: string;
  type: string;
}

export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** The REST representation (API.md). */
export interface Memory {
  id: string;
  version: number;
  title: string | null;
  content: string;
  type: MemoryType;
  status: MemoryStatus;
  tags: string[];
  importance: number;
  confidence: number;
  links: MemoryLink[];
  sourceUrl: string | null;
  sessionId: string | null;
  attachments: AttachmentRef[];
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
}

export const memoryStreamId = (memoryId: string): string => `memory-${memoryId}`;
export const MEMORY_STREAM_PREFIX = "memory-";

// ---- events (data as the domain sees it; personal fields are encrypted at rest) ----

export interface MemoryCreatedData {
  memoryId: string;
  title: string | null;
  content: string;
  type: MemoryType;
  status: "draft" | "active";
  tags: string[];
  importance: number;
  confidence: number;
  metadata: Metadata;
  sourceUrl: string | null;
  sessionId: string | null;
  /** Hash of the create request under an Idempotency-Key, so a retry with another body is refused. */
  requestHash: string | null;
}

/** Only the fields that changed are present. */
export interface MemoryEditedData {
  memoryId: string;
  title?: string | null;
  content?: string;
  metadata?: Metadata;
  type?: MemoryType;
  importance?: number;
  confidence?: number;
  sourceUrl?: string | null;
  status?: "draft" | "active";
}

export interface MemoryTagsSetData {
  memoryId: string;
  tags: string[];
}

export interface MemoryLinkedData {
  memoryId: string;
  targetId: string;
  linkType: string;
}

export interface MemoryStatusChangedData {
  memoryId: string;
}

export type MemoryEvent =
  | { type: "MemoryCreated"; data: MemoryCreatedData }
  | { type: "MemoryEdited"; data: MemoryEditedData }
  | { type: "MemoryTagsSet"; data: MemoryTagsSetData }
  | { type: "MemoryLinked"; data: MemoryLinkedData }
  | { type: "MemoryArchived"; data: MemoryStatusChangedData }
  | { type: "MemoryRestored"; data: MemoryStatusChangedData }
  | { type: "MemoryDeleted"; data: MemoryStatusChangedData };

export type MemoryEventType = MemoryEvent["type"];

/**
 * Fields holding personal content, per event type. They are encrypted with the owner's data key
 * before the append, so erasing the key makes them unreadable without rewriting the log.
 */
export const MEMORY_PERSONAL_FIELDS: Record<MemoryEventType, readonly string[]> = {
  MemoryCreated: ["title", "content", "tags", "metadata", "sourceUrl"],
  MemoryEdited: ["title", "content", "metadata", "sourceUrl"],
  MemoryTagsSet: ["tags"],
  MemoryLinked: ["linkType"],
  MemoryArchived: [],
  MemoryRestored: [],
  MemoryDeleted: [],
};

export const MEMORY_EVENT_SCHEMA_VERSION = 1;
