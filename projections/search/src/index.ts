export { searchProjectionService, type SearchProjectionServiceOptions } from "./search-projection.service.ts";
export {
  startSearchProjection,
  type SearchProjection,
  type SearchProjectionOptions,
} from "./search-projection.ts";
export { projectSearchBatch, type BatchOutcome, type SearchBatchTarget } from "./search-apply.ts";
export { evolveSearchDocument, embeddingText } from "./search-document.ts";
export { activateModel, registerModel } from "./search-models.ts";
export { migrateSearchProjection, SEARCH_MIGRATIONS } from "./migrate.ts";
export { createDocumentsTable } from "./search-schema.ts";
