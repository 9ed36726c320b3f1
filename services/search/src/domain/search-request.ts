import {
  checkTagFilter,
  DEFAULT_SEARCH_RESULTS,
  MAX_SEARCH_RESULTS,
  ValidationError,
  type Memory,
  type MemoryType,
  type Problems,
} from "@second-brain/contracts";

export const SEARCH_MODES = ["hybrid", "semantic", "keyword"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export type SearchableStatus = "draft" | "active" | "archived";

export interface SearchFilters {
  /** Every one of these tags (lower-cased). */
  tags?: string[];
  type?: MemoryType;
  /** Active unless asked; deleted memories are never in the search tables at all. */
  status?: SearchableStatus;
  sessionId?: string;
  /** Created at or after / at or before (ISO-8601). */
  from?: string;
  to?: string;
}

export interface SearchQuery {
  query: string;
  mode?: SearchMode;
  limit?: number;
  filters?: SearchFilters;
}

/** A request with every default filled in: the one shape the queries and the result cache see. */
export interface NormalizedSearch {
  query: string;
  mode: SearchMode;
  limit: number;
  filters: Required<Pick<SearchFilters, "status">> & Omit<SearchFilters, "status">;
}

export interface SearchHit {
  memory: Memory;
  score: number;
  highlights?: string[];
}

export interface SearchResponse {
  results: SearchHit[];
  /** Milliseconds spent in the service. */
  took: number;
}

export function normalizeSearch(request: SearchQuery): NormalizedSearch {
  const filters = request.filters ?? {};
  const problems: Problems = [];
  const named = (filters.tags ?? []).map((tag, index) =>
    checkTagFilter(tag, `filters.tags[${index}]`, problems),
  );
  if (problems.length > 0) throw new ValidationError("The search is not valid.", problems);
  const tags = [...new Set(named)].sort();
  return {
    query: request.query.trim(),
    mode: request.mode ?? "hybrid",
    limit: Math.min(Math.max(request.limit ?? DEFAULT_SEARCH_RESULTS, 1), MAX_SEARCH_RESULTS),
    filters: {
      status: filters.status ?? "active",
      ...(tags.length > 0 ? { tags } : {}),
      ...(filters.type ? { type: filters.type } : {}),
      ...(filters.sessionId ? { sessionId: filters.sessionId } : {}),
      ...(filters.from ? { from: new Date(filters.from).toISOString() } : {}),
      ...(filters.to ? { to: new Date(filters.to).toISOString() } : {}),
    },
  };
}
