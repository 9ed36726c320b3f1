/** OpenAPI path items of the tag routes (routes/tag-routes.ts); keys are full paths like "/api/v1/...". */
export const TAG_PATHS: Record<string, unknown> = {};
