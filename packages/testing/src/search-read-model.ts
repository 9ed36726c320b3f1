/**
 * The search read model for the search service's tests: they search what the real projection
 * builds from the log. Kept here, with the other harness code, so that no unit's tests import
 * another unit.
 */
export {
  createDocumentsTable,
  migrateSearchIndex,
  promoteToVectorIndex,
  SEARCH_MIGRATIONS,
  startSearchProjection,
  type SearchProjection,
} from "@second-brain/search-index";
