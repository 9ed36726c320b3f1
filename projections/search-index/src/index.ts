export { searchIndexService, type SearchIndexServiceOptions } from "./search-index.service.ts";
export {
  startSearchProjection,
  type SearchProjection,
  type SearchProjectionOptions,
} from "./read-model/search.projection.ts";
export type { SearchBatchTarget } from "./read-model/search.apply.ts";
export { evolveSearchDocument, embeddingText } from "./read-model/search.evolve.ts";
export { activateModel, registerModel } from "./read-model/search.models.ts";
export { migrateSearchIndex, SEARCH_MIGRATIONS } from "./migrations/index.ts";
export { createDocumentsTable } from "./read-model/search.tables.ts";
export { promoteToVectorIndex } from "./read-model/search.rows.ts";
