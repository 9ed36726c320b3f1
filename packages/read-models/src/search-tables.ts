import type { FoldedMemory } from "@second-brain/contracts";
import { joinedVector, type SqlPool } from "@second-brain/platform";
import { FOLDED_MEMORY_COLUMNS, foldedMemoryFromRecord, type FoldedMemoryRecord } from "./memory-record.ts";

/**
 * The search read model's tables, as the search projection writes them and the search service
 * reads them. Vectors belong to a model: each model gets its own documents table, filled from the
 * log from position 0 by its own checkpoint, so changing the model never mixes vector spaces and
 * the old table keeps serving until the new one has caught up (projections/search-index/src/read-model/search.models.ts).
 */
export const SEARCH_MODELS_TABLE = "search_models";
export const SEARCH_ACTIVE_MODEL_TABLE = "search_active_model";

/** A search table row: the folded memory and its vector. A deleted memory has no row. */
export interface SearchDocument extends FoldedMemory {
  /** null until embedded (or when embedding failed: the row is still found by words). */
  embedding: number[] | null;
}

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

/**
 * From how many documents an owner's rows enter the HNSW index (the `vector_indexed` flag, which the
 * index is partial on). Searches scan an owner's rows exactly up to 10,000 documents (the search
 * service's `exactMaxDocuments`), so an index entry for a smaller owner is never read, yet it was
 * the dearest part of a create: a pgvector HNSW insert of 512 dimensions costs milliseconds of
 * database CPU (docs/benchmarks.md). An owner is promoted a little before the search starts to use
 * the index, once, and stays indexed; the embedded mode, which always scans exactly, never promotes.
 */
export const VECTOR_INDEX_FROM_DOCUMENTS = 8_000;

export function checkpointName(model: string): string {
  return `search:${modelSlug(model)}`;
}

/** Columns of a documents table, in the order rows are written. */
export const DOCUMENT_COLUMNS = ["memory_id", ...FOLDED_MEMORY_COLUMNS, "embedding"] as const;

/** A documents row as `pg` and PGlite return it (embedding selected as text, or not at all). */
export interface DocumentRecord extends FoldedMemoryRecord {
  memory_id: string;
  embedding?: string | null;
}

export function documentFromRecord(record: DocumentRecord): SearchDocument {
  return {
    ...foldedMemoryFromRecord(record.memory_id, record),
    // pgvector's text form "[0.1,0.2]" is JSON.
    embedding: record.embedding ? (JSON.parse(record.embedding) as number[]) : null,
  };
}

/** pgvector's text form of a vector, the way it is passed as a parameter. */
export function vectorLiteral(vector: readonly number[]): string {
  return `[${joinedVector(vector)}]`;
}

/**
 * A vector as a `$n::vector` parameter. To a PostgreSQL server it goes in pgvector's binary form
 * (`vector_recv`: dimensions and a zero as 16-bit integers, then each value as a big-endian float4),
 * which `pg` sends as binary because it is a Buffer: printing 512 doubles as text and parsing them
 * back cost more than a fifth of the search projection's CPU and a share of the server's. PGlite
 * takes parameters as text only, so it gets the literal.
 */
export function vectorParam(vector: readonly number[], binary: boolean): Buffer | string {
  if (!binary) return vectorLiteral(vector);
  const bytes = Buffer.allocUnsafe(4 + 4 * vector.length);
  bytes.writeUInt16BE(vector.length, 0);
  bytes.writeUInt16BE(0, 2);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatBE(vector[i]!, 4 + 4 * i);
  return bytes;
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
