import type { Context, ServiceSchema } from "moleculer";
import { DEFAULT_SEARCH_RESULTS, ValidationError, type CallMeta } from "@second-brain/contracts";
import { searchSchemas } from "@second-brain/contracts/schemas";
import { callerOf, appErrorsMixin } from "@second-brain/platform";
import { createSearcher, type SearchDeps } from "./application/search-memories.ts";
import { normalizeSearch, type SearchQuery, type SearchResponse } from "./domain/search-request.ts";

export type SearchServiceOptions = SearchDeps;

/** Owner-scoped semantic, keyword and hybrid search over the search read model. */
export function searchService(options: SearchServiceOptions): ServiceSchema {
  const searcher = createSearcher(options);
  return {
    name: "search",
    mixins: [appErrorsMixin],
    actions: {
      query: {
        params: searchSchemas.SearchParams,
        handler: async (ctx: Context<SearchQuery, CallMeta>): Promise<SearchResponse> => {
          const started = performance.now();
          const caller = callerOf(ctx);
          const request = normalizeSearch(ctx.params);
          if (!request.query) throw invalid("query", "must contain a non-blank character");
          for (const field of ["from", "to"] as const) {
            const value = ctx.params.filters?.[field];
            if (value !== undefined && Number.isNaN(Date.parse(value)))
              throw invalid(`filters.${field}`, "is not a date");
          }
          const results = await searcher.search(caller.userId, request);
          return { results, took: Math.round((performance.now() - started) * 100) / 100 };
        },
      },
      similar: {
        params: searchSchemas.SimilarParams,
        handler: async (ctx: Context<{ id: string; limit?: number }, CallMeta>): Promise<SearchResponse> => {
          const started = performance.now();
          const caller = callerOf(ctx);
          const results = await searcher.similar(
            caller.userId,
            ctx.params.id,
            ctx.params.limit ?? DEFAULT_SEARCH_RESULTS,
          );
          return { results, took: Math.round((performance.now() - started) * 100) / 100 };
        },
      },
    },
  };
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field} ${message}.`, [{ field, message }]);
}
