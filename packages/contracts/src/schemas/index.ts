/** The API's schemas, declared once: the services validate their params with them, the gateway its requests, and /openapi.json is generated from them. */
export * from "./validate.ts";
export * from "./with-limits.ts";
export * from "./common.ts";
export * as identitySchemas from "./identity.ts";
export * as apiKeySchemas from "./api-key.ts";
export * as memorySchemas from "./memory.ts";
export * as searchSchemas from "./search.ts";
export * as sessionSchemas from "./session.ts";
export * as tagSchemas from "./tag.ts";
export * as attachmentSchemas from "./attachment.ts";
export * as adminSchemas from "./admin.ts";
export * as opsSchemas from "./ops.ts";
export type { Static, TObject, TSchema } from "@sinclair/typebox";
