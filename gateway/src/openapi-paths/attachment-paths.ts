/** OpenAPI path items of the attachment routes (routes/attachment-routes.ts); keys are full paths like "/api/v1/...". */
export const ATTACHMENT_PATHS: Record<string, unknown> = {};
