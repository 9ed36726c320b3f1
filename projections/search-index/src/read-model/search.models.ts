import { inTransaction, type SqlPool } from "@second-brain/platform";
import { SEARCH_ACTIVE_MODEL_TABLE, SEARCH_MODELS_TABLE } from "@second-brain/read-models";
import { createDocumentsTable } from "./search.tables.ts";

/**
 * The model lifecycle. A model is registered with its table, filled from position 0 by its own
 * checkpoint, and marked ready once it has caught up with the log; only then does it become the
 * active model, in one statement. Until then searches keep using the previous model's table, so a
 * change of model leaves no gap. The first model of an install becomes active at once: there is
 * nothing older to serve from.
 */
export async function registerModel(pool: SqlPool, model: string, dimensions: number): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO ${SEARCH_MODELS_TABLE} (model, dimensions) VALUES ($1, $2) ON CONFLICT (model) DO NOTHING`,
      [model, dimensions],
    );
    const { rows } = await client.query<{ dimensions: number }>(
      `SELECT dimensions FROM ${SEARCH_MODELS_TABLE} WHERE model = $1`,
      [model],
    );
    if (Number(rows[0]?.dimensions) !== dimensions) {
      throw new Error(
        `Model ${model} is registered with ${rows[0]?.dimensions} dimensions, not ${dimensions}`,
      );
    }
    await createDocumentsTable(client, model, dimensions);
    await client.query(
      `INSERT INTO ${SEARCH_ACTIVE_MODEL_TABLE} (model) VALUES ($1) ON CONFLICT (singleton) DO NOTHING`,
      [model],
    );
  });
}

/** Marks the model caught up and makes it the active one; returns the model it replaced, if any. */
export async function activateModel(pool: SqlPool, model: string): Promise<string | undefined> {
  return inTransaction(pool, async (client) => {
    await client.query(
      `UPDATE ${SEARCH_MODELS_TABLE} SET ready_at = coalesce(ready_at, now()) WHERE model = $1`,
      [model],
    );
    const { rows } = await client.query<{ model: string }>(
      `SELECT model FROM ${SEARCH_ACTIVE_MODEL_TABLE} FOR UPDATE`,
    );
    const previous = rows[0]?.model;
    if (previous === model) return undefined;
    await client.query(
      `INSERT INTO ${SEARCH_ACTIVE_MODEL_TABLE} (model) VALUES ($1)
       ON CONFLICT (singleton) DO UPDATE SET model = EXCLUDED.model, switched_at = now()`,
      [model],
    );
    return previous;
  });
}
