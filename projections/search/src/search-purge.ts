import type { SqlPool } from "@second-brain/platform";
import { purgeOwnerDocuments } from "./search-rows.ts";
import { documentsTable, ownerStatsTable, SEARCH_MODELS_TABLE } from "./search-schema.ts";

/** Removes an erased owner's documents from every model's table at once. */
export async function purgeSearchDocumentsOf(pool: SqlPool, ownerId: string): Promise<number> {
  const { rows } = await pool.query<{ model: string }>(`SELECT model FROM ${SEARCH_MODELS_TABLE}`);
  let removed = 0;
  for (const { model } of rows) {
    removed += await purgeOwnerDocuments(pool, documentsTable(model), ownerStatsTable(model), ownerId);
  }
  return removed;
}
