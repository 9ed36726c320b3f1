/** OpenAPI path items of the search routes (routes/search-routes.ts); keys are full paths like "/api/v1/...". */
export const SEARCH_PATHS: Record<string, unknown> = {};
