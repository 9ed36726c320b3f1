import type { SqlClient, SqlPool } from "@second-brain/platform";
import type { SearchDocument } from "./search-document.ts";

export type { SearchDocument } from "./search-document.ts";

/**
 * The search read model's schema: what the search projection writes and the search service reads.
 * It is exported on its own (`@second-brain/search-projection/schema`) so the service depends on
 * table names and columns only, never on the projection's code.
 *
 * Vectors belong to a model: each model gets its own documents table, filled from the log from
 * position 0 by its own checkpoint, so changing the model never mixes vector spaces and the old
 * table keeps serving until the new one has caught up (see search-models.ts).
 */
export const SEARCH_MODELS_TABLE = "search_models";
export const SEARCH_ACTIVE_MODEL_TABLE = "search_active_model";

/** "openai/text-embedding-3-small@512" → "openai_text_embedding_3_small_512"; safe as part of an identifier. */
export function modelSlug(model: string): string {
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`Model name ${JSON.stringify(model)} has no usable characters`);
  // Identifiers stop at 63 bytes; "search_documents_" + slug + index suffixes must fit.
  return slug.length <= 32 ? slug : `${slug.slice(0, 23)}_${fnv1a(slug)}`;
}

export function documentsTable(model: string): string {
  return `search_documents_${modelSlug(model)}`;
}

/** Documents per owner, kept in the projection's transaction: it picks the search path per owner. */
export function ownerStatsTable(model: string): string {
  return `search_owner_stats_${modelSlug(model)}`;
}

export function checkpointName(model: string): string {
  return `search:${modelSlug(model)}`;
}

/**
 * Result caches are keyed by the owner's generation; the projection sets a fresh one after each
 * commit that touched the owner, so a write invalidates every cached result without a scan.
 */
export function ownerGenerationKey(ownerId: string): string {
  return `search:gen:${ownerId}`;
}

export const GENERATION_TTL_SECONDS = 7 * 24 * 3600;

/** Columns of a documents table, in the order rows are written. */
export const DOCUMENT_COLUMNS = [
  "memory_id",
  "owner_id",
  "version",
  "title",
  "content",
  "type",
  "status",
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
  "embedding",
] as const;

/**
 * One table per model. `search_text` is a stored generated tsvector (docs/floors.md: a stored column
 * with GIN is ~3× faster at p50 and ~9× at p99 than an expression index), title and tags weigh A,
 * content B. The row carries every field of the Memory DTO so that results need no second read
 * model: what search ranks is exactly what it returns. HNSW is m 16, ef_construction 64, the
 * parameters docs/floors.md measured.
 */
export async function createDocumentsTable(
  client: Pick<SqlClient, "query">,
  model: string,
  dimensions: number,
): Promise<void> {
  const table = documentsTable(model);
  const stats = ownerStatsTable(model);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${table} (
      memory_id uuid PRIMARY KEY,
      owner_id text NOT NULL,
      version integer NOT NULL,
      title text,
      content text NOT NULL,
      type text NOT NULL,
      status text NOT NULL,
      tags text[] NOT NULL DEFAULT '{}',
      importance real NOT NULL,
      confidence real NOT NULL,
      links jsonb NOT NULL DEFAULT '[]',
      source_url text,
      session_id text,
      attachments jsonb NOT NULL DEFAULT '[]',
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      embedding vector(${Math.trunc(dimensions)}),
      search_text tsvector GENERATED ALWAYS AS (search_document(title, content, tags)) STORED
    )`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_owner ON ${table} (owner_id, status, created_at)`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_text ON ${table} USING gin (search_text)`);
  await client.query(`CREATE INDEX IF NOT EXISTS ${table}_tags ON ${table} USING gin (tags)`);
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${table}_embedding ON ${table}
     USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
  );
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${stats} (
      owner_id text PRIMARY KEY,
      documents integer NOT NULL
    )`);
}

export interface ModelState {
  model: string;
  dimensions: number;
  ready: boolean;
}

/** The model searches use, or undefined before any projection registered one. */
export async function activeModel(db: Pick<SqlPool, "query">): Promise<string | undefined> {
  const { rows } = await db.query<{ model: string }>(`SELECT model FROM ${SEARCH_ACTIVE_MODEL_TABLE}`);
  return rows[0]?.model;
}

export async function modelState(db: Pick<SqlPool, "query">, model: string): Promise<ModelState | undefined> {
  const { rows } = await db.query<{ model: string; dimensions: number; ready_at: Date | null }>(
    `SELECT model, dimensions, ready_at FROM ${SEARCH_MODELS_TABLE} WHERE model = $1`,
    [model],
  );
  const row = rows[0];
  return row
    ? { model: row.model, dimensions: Number(row.dimensions), ready: row.ready_at !== null }
    : undefined;
}

/** 32-bit FNV-1a in hex: a short, stable suffix for long model names. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** pgvector's text form of a vector, the way it is passed as a parameter. */
export function vectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(",")}]`;
}

/** A documents row as `pg` and PGlite return it (embedding selected as text). */
export interface DocumentRecord {
  memory_id: string;
  owner_id: string;
  version: number | string;
  title: string | null;
  content: string;
  type: SearchDocument["type"];
  status: SearchDocument["status"];
  tags: string[];
  importance: number | string;
  confidence: number | string;
  links: SearchDocument["links"];
  source_url: string | null;
  session_id: string | null;
  attachments: SearchDocument["attachments"];
  metadata: SearchDocument["metadata"];
  created_at: Date | string;
  updated_at: Date | string;
  embedding?: string | null;
}

export function documentFromRecord(record: DocumentRecord): SearchDocument {
  return {
    id: record.memory_id,
    ownerId: record.owner_id,
    version: Number(record.version),
    title: record.title,
    content: record.content,
    type: record.type,
    status: record.status,
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
    // pgvector's text form "[0.1,0.2]" is JSON.
    embedding: record.embedding ? (JSON.parse(record.embedding) as number[]) : null,
  };
}

function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
