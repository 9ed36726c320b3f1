export { searchService, type SearchServiceOptions } from "./search.service.ts";
export {
  createSearcher,
  HYBRID_CANDIDATES,
  type Searcher,
  type SearchDeps,
} from "./application/search-memories.ts";
export { fuseByReciprocalRank, RRF_K, type FusedItem } from "./domain/rank-fusion.ts";
export * from "./domain/search-request.ts";
export { ownerFilterSql, type SqlFragment } from "./adapters/filter-sql.ts";
export {
  SEMANTIC_DEFAULTS,
  exactNearest,
  hnswNearest,
  semanticCandidates,
  ownerSearchStats,
  type Candidate,
  type NearestQuery,
  type SemanticTarget,
  type SemanticTuning,
} from "./adapters/semantic-sql.ts";
export { keywordCandidates, fetchDocuments } from "./adapters/keyword-sql.ts";
