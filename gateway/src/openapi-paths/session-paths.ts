/** OpenAPI path items of the session routes (routes/session-routes.ts); keys are full paths like "/api/v1/...". */
export const SESSION_PATHS: Record<string, unknown> = {};
