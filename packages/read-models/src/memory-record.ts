import type { FoldedMemory } from "@second-brain/contracts";

/**
 * The columns every memory read model keeps of a folded memory (packages/contracts/src/memory-fold.ts),
 * beside its key: `memories` calls the key `id`, the search tables `memory_id`.
 */
export const FOLDED_MEMORY_COLUMNS = [
  "owner_id",
  "version",
  "title",
  "content",
  "type",
  "status",
  "status_before_archive",
  "tags",
  "importance",
  "confidence",
  "links",
  "source_url",
  "session_id",
  "attachments",
  "metadata",
  "created_at",
  "updated_at",
] as const;

/** Those columns as `pg` and PGlite return them. */
export interface FoldedMemoryRecord {
  owner_id: string;
  version: number | string;
  title: string | null;
  content: string;
  type: FoldedMemory["type"];
  status: FoldedMemory["status"];
  status_before_archive: FoldedMemory["statusBeforeArchive"];
  tags: string[];
  importance: number | string;
  confidence: number | string;
  links: FoldedMemory["links"];
  source_url: string | null;
  session_id: string | null;
  attachments: FoldedMemory["attachments"];
  metadata: FoldedMemory["metadata"];
  created_at: Date | string;
  updated_at: Date | string;
}

export function foldedMemoryFromRecord(id: string, record: FoldedMemoryRecord): FoldedMemory {
  return {
    id,
    ownerId: record.owner_id,
    version: Number(record.version),
    title: record.title,
    content: record.content,
    type: record.type,
    status: record.status,
    statusBeforeArchive: record.status_before_archive,
    tags: record.tags,
    importance: Number(record.importance),
    confidence: Number(record.confidence),
    links: record.links,
    sourceUrl: record.source_url,
    sessionId: record.session_id,
    attachments: record.attachments,
    metadata: record.metadata,
    createdAt: isoOf(record.created_at),
    updatedAt: isoOf(record.updated_at),
  };
}

/** A timestamp as the API shows it; `pg` returns Date, PGlite may return text. */
export function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
