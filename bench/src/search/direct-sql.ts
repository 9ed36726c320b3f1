import { inTransaction, postgresPool, type SqlPool } from "@second-brain/platform";
import { vectorLiteral } from "@second-brain/read-models";
import { fuseByReciprocalRank } from "../../../services/search/src/domain/rank-fusion.ts";
import type { NormalizedSearch } from "../../../services/search/src/domain/search-request.ts";
import { fetchDocuments, keywordCandidates } from "../../../services/search/src/adapters/keyword-sql.ts";
import {
  hnswNearest,
  SEMANTIC_DEFAULTS,
  semanticCandidates,
  type SemanticTarget,
} from "../../../services/search/src/adapters/semantic-sql.ts";
import { HYBRID_CANDIDATES } from "../../../services/search/src/application/search-memories.ts";

/**
 * PostgreSQL without the service: the floor runs the search service's own SQL adapters (the same
 * statements, in the same order, on a pool of 10) so the ratio measures the gateway, the transporter
 * and the service, not a different query. The exact scans give the ground truth for recall.
 */
export type BenchMode = "semantic" | "keyword" | "hybrid";

export interface DirectQuery {
  ownerId: string;
  mode: BenchMode;
  text: string;
  vector: readonly number[] | undefined;
  filters: NormalizedSearch["filters"];
  limit: number;
}

export interface DirectSql {
  pool: SqlPool;
  /** The search as the service runs it, minus embedding (its query vectors are cached in Redis). */
  search(query: DirectQuery): Promise<string[]>;
  /** Exact top-k by cosine distance over the owner's rows: no HNSW, whatever the owner's size. */
  exactTop(query: DirectQuery, k: number): Promise<string[]>;
  /** The exact counterpart of a hybrid search: exact semantic candidates fused with the keyword ones. */
  exactHybridTop(query: DirectQuery): Promise<string[]>;
  /** The service's HNSW path (iterative scan + exact re-rank) whatever the owner's size. */
  hnswTop(query: DirectQuery, k: number): Promise<string[]>;
  /** Which semantic path the service takes for this owner. */
  semanticPath(documents: number): "exact" | "hnsw";
  close(): Promise<void>;
}

export function directSql(databaseUrl: string, table: string, statsTable: string): DirectSql {
  const pool = postgresPool(databaseUrl, 10);
  const target: SemanticTarget = { pool, table, statsTable, tuning: SEMANTIC_DEFAULTS };

  const semantic = (q: DirectQuery, k: number) =>
    semanticCandidates(target, q.ownerId, q.vector!, q.filters, k);
  const keyword = (q: DirectQuery, k: number) =>
    keywordCandidates(pool, table, q.ownerId, q.text, q.filters, k);

  async function exactTop(q: DirectQuery, k: number): Promise<string[]> {
    const tags = q.filters.tags && q.filters.tags.length > 0 ? q.filters.tags : null;
    return inTransaction(pool, async (client) => {
      await client.query(`SET LOCAL enable_indexscan = off`);
      const { rows } = await client.query<{ memory_id: string }>(
        `SELECT memory_id FROM ${table}
         WHERE owner_id = $1 AND status = $2 AND ($4::text[] IS NULL OR tags @> $4::text[])
           AND embedding IS NOT NULL
         ORDER BY embedding <=> $3::vector, memory_id LIMIT $5`,
        [q.ownerId, q.filters.status, vectorLiteral(q.vector!), tags, k],
      );
      return rows.map((row) => row.memory_id);
    });
  }

  return {
    pool,
    async search(q) {
      const depth = q.mode === "hybrid" ? Math.max(HYBRID_CANDIDATES, q.limit) : q.limit;
      const [vectorHits, wordHits] = await Promise.all([
        q.mode === "keyword" ? [] : semantic(q, depth),
        q.mode === "semantic" ? [] : keyword(q, depth),
      ]);
      const ranked =
        q.mode === "hybrid"
          ? fuseByReciprocalRank([vectorHits.map((c) => c.id), wordHits.map((c) => c.id)])
          : q.mode === "semantic"
            ? vectorHits
            : wordHits;
      const top = ranked.slice(0, q.limit).map((c) => c.id);
      const rows = await fetchDocuments(pool, table, q.ownerId, top, q.mode === "semantic" ? null : q.text);
      return top.filter((id) => rows.has(id));
    },
    exactTop,
    async exactHybridTop(q) {
      const depth = Math.max(HYBRID_CANDIDATES, q.limit);
      const [vectorIds, wordHits] = await Promise.all([exactTop(q, depth), keyword(q, depth)]);
      return fuseByReciprocalRank([vectorIds, wordHits.map((c) => c.id)])
        .slice(0, q.limit)
        .map((c) => c.id);
    },
    hnswTop: async (q, k) =>
      (await hnswNearest(target, { ownerId: q.ownerId, vector: q.vector!, filters: q.filters, k })).map(
        (c) => c.id,
      ),
    semanticPath: (documents) => (documents <= SEMANTIC_DEFAULTS.exactMaxDocuments ? "exact" : "hnsw"),
    close: () => pool.end(),
  };
}
