import { inTransaction, type SqlPool } from "@second-brain/platform";
import { vectorLiteral } from "@second-brain/read-models";
import type { NormalizedSearch } from "../domain/search-request.ts";
import { ownerFilterSql } from "./filter-sql.ts";

export interface Candidate {
  id: string;
  /** Higher is better: cosine similarity for vectors, a bounded rank for words. */
  score: number;
}

/**
 * How an owner-scoped nearest-neighbour search runs (docs/floors.md: plain HNSW under a 1% owner filter
 * returns 0.4 of 10 rows, iterative scans reach only 0.73 recall):
 * - owners with up to `exactMaxDocuments` documents: exact cosine distance over the owner's rows,
 *   found through the (owner_id, status, created_at) btree. Recall is 1 by construction. The
 *   MATERIALIZED CTE computes the distances of exactly those rows, so the planner cannot turn the
 *   ORDER BY into an HNSW scan that filters afterwards and silently returns too few rows.
 * - larger owners hold a large share of the table, which is where HNSW filtering works (the index
 *   is partial: it holds only such owners' rows, flagged `vector_indexed` by the projection): an
 *   iterative scan (relaxed order) gathers a generous candidate pool, which is then re-ranked by
 *   exact distance. If the filters leave it short of `limit` rows, the exact path answers instead.
 * Thresholds: docs/floors.md records an exact scan of 100k × 512 at p50 230 ms, ~2.3 µs a row, so
 * 10,000 rows stay near 23 ms; ef_search 100 gave recall 1.0 unfiltered on clustered data there,
 * and the candidate pool (4× limit, at least 40) is re-ranked exactly. bench/src/search.ts is to
 * confirm both on this machine.
 */
export interface SemanticTuning {
  exactMaxDocuments: number;
  efSearch: number;
  /** Candidates gathered per requested row on the HNSW path. */
  candidateFactor: number;
}

export const SEMANTIC_DEFAULTS: SemanticTuning = {
  exactMaxDocuments: 10_000,
  efSearch: 100,
  candidateFactor: 4,
};

export interface SemanticTarget {
  pool: SqlPool;
  table: string;
  statsTable: string;
  tuning: SemanticTuning;
}

/** How many documents an owner has, and whether their rows are in the (partial) vector index. */
export async function ownerSearchStats(
  target: SemanticTarget,
  ownerId: string,
): Promise<{ documents: number; vectorIndexed: boolean }> {
  const { rows } = await target.pool.query<{ documents: number; vector_indexed: boolean }>(
    `SELECT documents, vector_indexed FROM ${target.statsTable} WHERE owner_id = $1`,
    [ownerId],
  );
  return { documents: Number(rows[0]?.documents ?? 0), vectorIndexed: rows[0]?.vector_indexed === true };
}

/** One owner's nearest-neighbour question. */
export interface NearestQuery {
  ownerId: string;
  vector: readonly number[];
  filters: NormalizedSearch["filters"];
  k: number;
  /** A memory left out of the answer (the one whose neighbours are asked for). */
  excludeId?: string;
}

export async function semanticCandidates(
  target: SemanticTarget,
  ownerId: string,
  vector: readonly number[],
  filters: NormalizedSearch["filters"],
  k: number,
  excludeId?: string,
): Promise<Candidate[]> {
  const query: NearestQuery = { ownerId, vector, filters, k, excludeId };
  const { documents, vectorIndexed } = await ownerSearchStats(target, ownerId);
  // PGlite (the embedded mode) is one person's store on one single-threaded backend: exact always.
  // An owner whose rows are not in the vector index (VECTOR_INDEX_FROM_DOCUMENTS) is scanned too.
  if (documents <= target.tuning.exactMaxDocuments || !vectorIndexed || target.pool.kind === "pglite") {
    return exactNearest(target, query);
  }
  const approximate = await hnswNearest(target, query);
  if (approximate.length >= k) return approximate;
  return exactNearest(target, query);
}

export async function exactNearest(target: SemanticTarget, query: NearestQuery): Promise<Candidate[]> {
  const { ownerId, vector, filters, k, excludeId } = query;
  const where = ownerFilterSql(ownerId, filters, 4);
  const exclude = excludeId ? ` AND d.memory_id <> $3` : ` AND $3::uuid IS NULL`;
  const { rows } = await target.pool.query<NearestRow>(
    `WITH owned AS MATERIALIZED (
       SELECT d.memory_id, d.embedding <=> $1::vector AS distance
       FROM ${target.table} d
       WHERE ${where.sql} AND d.embedding IS NOT NULL${exclude}
     )
     SELECT memory_id, distance FROM owned ORDER BY distance, memory_id LIMIT $2`,
    [vectorLiteral(vector), k, excludeId ?? null, ...where.params],
  );
  return rows.map(candidateOf);
}

export async function hnswNearest(target: SemanticTarget, query: NearestQuery): Promise<Candidate[]> {
  const { ownerId, vector, filters, k, excludeId } = query;
  const pool = Math.max(k * target.tuning.candidateFactor, 40);
  const efSearch = Math.max(target.tuning.efSearch, pool);
  const where = ownerFilterSql(ownerId, filters, 5);
  const exclude = excludeId ? ` AND d.memory_id <> $4` : ` AND $4::uuid IS NULL`;
  return inTransaction(target.pool, async (client) => {
    // Session settings, scoped to this transaction (docs/floors.md: never assume them on a pooled
    // connection).
    await client.query(
      `SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${Math.trunc(efSearch)}`,
    );
    const { rows } = await client.query<NearestRow>(
      `WITH candidates AS MATERIALIZED (
         SELECT d.memory_id, d.embedding <=> $1::vector AS distance
         FROM ${target.table} d
         WHERE ${where.sql}${exclude} AND d.vector_indexed
         ORDER BY d.embedding <=> $1::vector
         LIMIT $3
       )
       SELECT memory_id, distance FROM candidates ORDER BY distance, memory_id LIMIT $2`,
      [vectorLiteral(vector), k, pool, excludeId ?? null, ...where.params],
    );
    return rows.map(candidateOf);
  });
}

interface NearestRow {
  memory_id: string;
  distance: number;
}

/** Cosine distance to a score where higher is better. */
const candidateOf = (row: NearestRow): Candidate => ({ id: row.memory_id, score: 1 - Number(row.distance) });
