import type { ColumnType, Generated } from "kysely";
import type { AttachmentRef, MemoryLink, MemoryStatus, MemoryType, Metadata } from "@second-brain/contracts";

/**
 * The read model's tables as Kysely sees them. Timestamps are written as ISO strings and read back
 * as Date (both `pg` and PGlite parse timestamptz); jsonb columns are written as JSON text.
 */
type Timestamp = ColumnType<Date, string, string>;
type Json<T> = ColumnType<T, string, string>;

export interface MemoriesTable {
  id: string;
  owner_id: string;
  version: number;
  title: string | null;
  content: string;
  type: MemoryType;
  status: MemoryStatus;
  status_before_archive: "draft" | "active";
  tags: string[];
  importance: number;
  confidence: number;
  links: Json<MemoryLink[]>;
  source_url: string | null;
  session_id: string | null;
  attachments: Json<AttachmentRef[]>;
  metadata: Json<Metadata>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectionCheckpointsTable {
  name: string;
  /** formatPosition() of the last log position whose effects are in the read model. */
  position: string;
  updated_at: Generated<Date>;
}

export interface MemoriesDatabase {
  memories: MemoriesTable;
  projection_checkpoints: ProjectionCheckpointsTable;
}

export { MEMORIES_CHECKPOINT, MEMORIES_TABLE } from "@second-brain/read-models";
