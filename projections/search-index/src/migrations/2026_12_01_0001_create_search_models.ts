import type { SqlClient } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";
import {
  checkpointName,
  documentsTable,
  fullTextDocumentFunctionSql,
  ownerStatsTable,
} from "@second-brain/read-models";

/**
 * What every model's documents table shares: the tsvector builder, the registry of models with
 * their state, the one active model row, and the checkpoints table (shared by the projections;
 * created here too so this component migrates on its own). The per-model tables are created at run
 * time, when the configured model is known (read-model/search.tables.ts createDocumentsTable).
 */
export const createSearchModels = {
  name: "2026_12_01_0001_create_search_models",
  async up(client: SqlClient): Promise<void> {
    await client.query(`CREATE EXTENSION IF NOT EXISTS vector`);
    await client.query(fullTextDocumentFunctionSql("search_document"));
    await client.query(`
      CREATE TABLE IF NOT EXISTS search_models (
        model text PRIMARY KEY,
        dimensions integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz
      )`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS search_active_model (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        model text NOT NULL REFERENCES search_models (model),
        switched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await createCheckpointsTable(client);
  },
  async down(client: SqlClient): Promise<void> {
    const { rows } = await client.query<{ model: string }>(`SELECT model FROM search_models`);
    for (const { model } of rows) {
      await client.query(`DROP TABLE IF EXISTS ${documentsTable(model)}`);
      await client.query(`DROP TABLE IF EXISTS ${ownerStatsTable(model)}`);
      await client.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [checkpointName(model)]);
    }
    await client.query(`DROP TABLE IF EXISTS search_active_model`);
    await client.query(`DROP TABLE IF EXISTS search_models`);
    await client.query(`DROP FUNCTION IF EXISTS search_document(text, text, text[])`);
  },
};
