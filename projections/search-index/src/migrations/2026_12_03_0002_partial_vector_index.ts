import type { SqlClient } from "@second-brain/platform";
import { documentsTable, ownerStatsTable, VECTOR_INDEX_FROM_DOCUMENTS } from "@second-brain/read-models";
import { modelsWithTables, vectorIndexSql } from "../read-model/search.tables.ts";

/**
 * Narrows every model's HNSW index to the owners searched through it (VECTOR_INDEX_FROM_DOCUMENTS):
 * owners that already have that many documents are flagged, with their rows, and the index is
 * rebuilt over the flagged rows only. Tables of models registered later are created this way
 * (read-model/search.tables.ts).
 */
export const partialVectorIndex = {
  name: "2026_12_03_0002_partial_vector_index",
  async up(client: SqlClient): Promise<void> {
    for (const model of await modelsWithTables(client)) {
      const table = documentsTable(model);
      const stats = ownerStatsTable(model);
      await client.query(
        `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS vector_indexed boolean NOT NULL DEFAULT false`,
      );
      await client.query(
        `ALTER TABLE ${stats} ADD COLUMN IF NOT EXISTS vector_indexed boolean NOT NULL DEFAULT false`,
      );
      await client.query(`UPDATE ${stats} SET vector_indexed = true WHERE documents >= $1`, [
        VECTOR_INDEX_FROM_DOCUMENTS,
      ]);
      await client.query(
        `UPDATE ${table} d SET vector_indexed = true FROM ${stats} s
          WHERE s.owner_id = d.owner_id AND s.vector_indexed`,
      );
      await client.query(`DROP INDEX IF EXISTS ${table}_embedding`);
      await client.query(vectorIndexSql(table));
    }
  },
  async down(client: SqlClient): Promise<void> {
    for (const model of await modelsWithTables(client)) {
      const table = documentsTable(model);
      await client.query(`DROP INDEX IF EXISTS ${table}_embedding`);
      await client.query(
        `CREATE INDEX ${table}_embedding ON ${table}
         USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
      );
      await client.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS vector_indexed`);
      await client.query(`ALTER TABLE ${ownerStatsTable(model)} DROP COLUMN IF EXISTS vector_indexed`);
    }
  },
};
