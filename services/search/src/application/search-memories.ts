import { createHash } from "node:crypto";
import { AppError, memoryView, NotFoundError, UnavailableError, type Memory } from "@second-brain/contracts";
import type { Embedder } from "@second-brain/embeddings";
import type { Cache, SqlPool } from "@second-brain/platform";
import {
  activeModel,
  cacheGenerations,
  documentsTable,
  modelState,
  ownerGenerationKey,
  ownerStatsTable,
  queryVectorKey,
  searchResultKey,
  type SearchDocument,
} from "@second-brain/read-models";
import { fuseByReciprocalRank, type RankedVote } from "../domain/rank-fusion.ts";

/** How much a keyword hit that shares only some of the query's words counts in hybrid fusion. */
const LOOSE_KEYWORD_WEIGHT = 0.5;
import type { NormalizedSearch, SearchHit } from "../domain/search-request.ts";
import { fetchDocuments, keywordCandidates } from "../adapters/keyword-sql.ts";
import {
  SEMANTIC_DEFAULTS,
  semanticCandidates,
  type Candidate,
  type SemanticTarget,
  type SemanticTuning,
} from "../adapters/semantic-sql.ts";

export interface SearchDeps {
  pool: SqlPool;
  cache: Cache;
  embedder: () => Promise<Embedder>;
  tuning?: Partial<SemanticTuning>;
  /** How long a result list is reused while the owner writes nothing. */
  resultTtlSeconds?: number;
}

/** Each list fused in hybrid mode holds this many candidates (or `limit`, if larger). */
export const HYBRID_CANDIDATES = 50;
const QUERY_VECTOR_TTL_SECONDS = 24 * 3600;
/**
 * A result list over this many bytes of JSON is not cached. A hit carries its whole memory (content
 * up to MAX_CONTENT_CHARS), so one list could take megabytes of the cache and push out many small
 * entries of every other user; such a search is run again instead.
 */
export const MAX_CACHED_RESULT_BYTES = 256 * 1024;
const MODEL_RECHECK_MS = 5_000;
/**
 * Part of every result cache key, raised whenever a cached answer's shape changes, so that after an
 * upgrade no answer of the old shape is served (2: highlights became escaped HTML).
 */
const RESULT_FORMAT = 2;

interface SearchTables {
  table: string;
  statsTable: string;
  /** False while the query model's table is still being filled: only words can be searched. */
  vectors: boolean;
}

/** The search use cases: one object per process, holding the tuning and the table resolution. */
export function createSearcher(deps: SearchDeps) {
  const tuning = { ...SEMANTIC_DEFAULTS, ...deps.tuning };
  const resultTtl = deps.resultTtlSeconds ?? 300;
  let tables: { value: SearchTables | null; at: number } | undefined;

  /**
   * The table of the query model once it is active or has caught up; until then (a change of
   * model being rebuilt) the active model's table, by words only, so search never goes dark.
   */
  async function resolveTables(model: string): Promise<SearchTables | null> {
    if (tables && Date.now() - tables.at < MODEL_RECHECK_MS) return tables.value;
    const active = await activeModel(deps.pool).catch(() => undefined);
    let value: SearchTables | null = null;
    if (active) {
      const usable = active === model || (await modelState(deps.pool, model))?.ready === true;
      const chosen = usable ? model : active;
      value = { table: documentsTable(chosen), statsTable: ownerStatsTable(chosen), vectors: usable };
    }
    tables = { value, at: Date.now() };
    return value;
  }

  /**
   * A keyword hit that matches every word of the query (score ≥ 1, see keyword-sql.ts) votes in
   * full and comes first on ties; one that shares only some words votes at half weight, so loose
   * word overlap does not push semantic answers to a paraphrase out of the top ranks.
   */
  function keywordVote(candidate: Candidate): RankedVote {
    return { id: candidate.id, weight: candidate.score >= 1 ? 1 : LOOSE_KEYWORD_WEIGHT };
  }

  async function queryVector(embedder: Embedder, ownerId: string, text: string): Promise<number[]> {
    const key = queryVectorKey(ownerId, embedder.model, sha256(text));
    const cached = await deps.cache.get<number[]>(key);
    if (cached) return cached;
    const [vector] = await embedder.embed([text]).catch((error: unknown) => {
      // The request had no effect, and it may succeed once the model answers again: a 503.
      if (error instanceof AppError) throw error;
      throw new UnavailableError("The embedding model is unavailable; try again shortly.");
    });
    await deps.cache.set(key, vector, QUERY_VECTOR_TTL_SECONDS);
    return vector!;
  }

  async function search(ownerId: string, request: NormalizedSearch): Promise<SearchHit[]> {
    const embedder = await deps.embedder();
    const found = await resolveTables(embedder.model);
    if (!found) return [];
    const generation = await cacheGenerations.current(deps.cache, ownerGenerationKey(ownerId));
    const requestHash = sha256(JSON.stringify([RESULT_FORMAT, request]));
    const cacheKey = searchResultKey(ownerId, found.table, generation, requestHash);
    const cached = await deps.cache.get<SearchHit[]>(cacheKey);
    if (cached) return cached;

    const mode = found.vectors ? request.mode : "keyword";
    const target: SemanticTarget = {
      pool: deps.pool,
      table: found.table,
      statsTable: found.statsTable,
      tuning,
    };
    const depth = mode === "hybrid" ? Math.max(HYBRID_CANDIDATES, request.limit) : request.limit;
    const [semantic, keyword] = await Promise.all([
      mode === "keyword"
        ? Promise.resolve<Candidate[]>([])
        : queryVector(embedder, ownerId, request.query).then((vector) =>
            semanticCandidates(target, ownerId, vector, request.filters, depth),
          ),
      mode === "semantic"
        ? Promise.resolve<Candidate[]>([])
        : keywordCandidates(deps.pool, found.table, ownerId, request.query, request.filters, depth),
    ]);
    const ranked =
      mode === "hybrid"
        ? fuseByReciprocalRank([keyword.map(keywordVote), semantic.map((c) => c.id)])
        : mode === "semantic"
          ? semantic
          : keyword;
    const top = ranked.slice(0, request.limit);
    const rows = await fetchDocuments(
      deps.pool,
      found.table,
      ownerId,
      top.map((c) => c.id),
      mode === "semantic" ? null : request.query,
    );
    const hits = top.flatMap((candidate): SearchHit[] => {
      const row = rows.get(candidate.id);
      if (!row) return [];
      const hit: SearchHit = { memory: toMemory(row.doc), score: round(candidate.score) };
      if (row.highlights.length > 0) hit.highlights = row.highlights;
      return [hit];
    });
    if (Buffer.byteLength(JSON.stringify(hits)) <= MAX_CACHED_RESULT_BYTES)
      await deps.cache.set(cacheKey, hits, resultTtl);
    return hits;
  }

  /** The owner's memories nearest to one of theirs (itself excluded); 404 when it is not theirs. */
  async function similar(ownerId: string, memoryId: string, limit: number): Promise<SearchHit[]> {
    const embedder = await deps.embedder();
    const found = await resolveTables(embedder.model);
    if (!found) throw new NotFoundError("Memory");
    const { rows } = await deps.pool.query<{ embedding: string | null; status: string }>(
      `SELECT embedding::text AS embedding, status FROM ${found.table} WHERE owner_id = $1 AND memory_id = $2`,
      [ownerId, memoryId],
    );
    const source = rows[0];
    if (!source) throw new NotFoundError("Memory");
    if (!source.embedding || !found.vectors) return [];
    const target: SemanticTarget = {
      pool: deps.pool,
      table: found.table,
      statsTable: found.statsTable,
      tuning,
    };
    const nearest = await semanticCandidates(
      target,
      ownerId,
      JSON.parse(source.embedding) as number[],
      { status: "active" },
      limit,
      memoryId,
    );
    const docs = await fetchDocuments(
      deps.pool,
      found.table,
      ownerId,
      nearest.map((c) => c.id),
      null,
    );
    return nearest.flatMap((c) => {
      const row = docs.get(c.id);
      return row ? [{ memory: toMemory(row.doc), score: round(c.score) }] : [];
    });
  }

  return { search, similar };
}

export type Searcher = ReturnType<typeof createSearcher>;

function toMemory(doc: SearchDocument): Memory {
  return memoryView(doc);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

function round(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}
