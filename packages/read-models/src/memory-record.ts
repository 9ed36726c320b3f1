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

/**
 * The same columns the other way, as `jsonb_to_recordset` reads them: a batch of rows goes to the
 * database as one JSON parameter (`recordsJson`), so writing it costs one statement however many
 * rows it holds.
 */
export const FOLDED_MEMORY_RECORD_TYPES =
  "owner_id text, version int, title text, content text, type text, status text, " +
  "status_before_archive text, tags text[], importance real, confidence real, links jsonb, " +
  "source_url text, session_id text, attachments jsonb, metadata jsonb, " +
  "created_at timestamptz, updated_at timestamptz";

export function foldedMemoryRecord(
  memory: FoldedMemory,
): Record<(typeof FOLDED_MEMORY_COLUMNS)[number], unknown> {
  return {
    owner_id: memory.ownerId,
    version: memory.version,
    title: memory.title,
    content: memory.content,
    type: memory.type,
    status: memory.status,
    status_before_archive: memory.statusBeforeArchive,
    tags: memory.tags,
    importance: memory.importance,
    confidence: memory.confidence,
    links: memory.links,
    source_url: memory.sourceUrl,
    session_id: memory.sessionId,
    attachments: memory.attachments,
    metadata: memory.metadata,
    created_at: memory.createdAt,
    updated_at: memory.updatedAt,
  };
}

/** A timestamp as the API shows it; `pg` returns Date, PGlite may return text. */
export function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
