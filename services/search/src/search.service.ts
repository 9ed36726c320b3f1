import type { Context, ServiceSchema } from "moleculer";
import { MEMORY_TYPES, ValidationError, type CallMeta } from "@second-brain/contracts";
import { callerOf, appErrorsMixin } from "@second-brain/platform";
import { createSearcher, type SearchDeps } from "./application/search-memories.ts";
import {
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  normalizeSearch,
  SEARCH_MODES,
  type SearchQuery,
  type SearchResponse,
} from "./domain/search-request.ts";

export type SearchServiceOptions = SearchDeps;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Owner-scoped semantic, keyword and hybrid search over the search read model. */
export function searchService(options: SearchServiceOptions): ServiceSchema {
  const searcher = createSearcher(options);
  return {
    name: "search",
    mixins: [appErrorsMixin],
    actions: {
      query: {
        params: {
          $$strict: true,
          query: { type: "string", min: 1, max: 1000, trim: true },
          mode: { type: "enum", values: [...SEARCH_MODES], optional: true },
          limit: { type: "number", integer: true, min: 1, max: MAX_SEARCH_LIMIT, optional: true },
          filters: {
            type: "object",
            optional: true,
            strict: true,
            props: {
              tags: {
                type: "array",
                optional: true,
                max: 64,
                items: { type: "string", min: 1, max: 64, trim: true, lowercase: true },
              },
              type: { type: "enum", values: [...MEMORY_TYPES], optional: true },
              status: { type: "enum", values: ["draft", "active", "archived"], optional: true },
              sessionId: { type: "uuid", optional: true },
              // ISO_DATE is anchored and bounded (it gives up within 32 characters); max says so too.
              from: { type: "string", max: 40, pattern: ISO_DATE, optional: true },
              to: { type: "string", max: 40, pattern: ISO_DATE, optional: true },
            },
          },
        },
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
        params: {
          $$strict: true,
          id: { type: "uuid" },
          limit: {
            type: "number",
            integer: true,
            min: 1,
            max: MAX_SEARCH_LIMIT,
            convert: true,
            optional: true,
          },
        },
        handler: async (ctx: Context<{ id: string; limit?: number }, CallMeta>): Promise<SearchResponse> => {
          const started = performance.now();
          const caller = callerOf(ctx);
          const results = await searcher.similar(
            caller.userId,
            ctx.params.id,
            ctx.params.limit ?? DEFAULT_SEARCH_LIMIT,
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
