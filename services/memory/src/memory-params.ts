import { memorySchemas } from "@second-brain/contracts/schemas";

/**
 * The memory actions' params, declared once in packages/contracts/src/schemas/memory.ts: the gateway
 * checks HTTP requests and generates /openapi.json from the same schemas. They carry the limits a
 * client can see (lengths, ranges, enums, formats); the domain keeps the invariants and the limits
 * a deployment configures.
 */
export const createParams = memorySchemas.CreateMemoryParams;
export const editParams = memorySchemas.EditMemoryParams;
export const setTagsParams = memorySchemas.SetTagsParams;
export const linkParams = memorySchemas.LinkParams;
export const idParams = memorySchemas.MemoryIdParams;
export const asOfParams = memorySchemas.AsOfParams;
