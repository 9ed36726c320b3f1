import type { Embedder } from "@second-brain/embeddings";
import type { EventStore } from "@second-brain/event-store";
import { createLogger, type Cache, type Keyring, type SqlPool } from "@second-brain/platform";
import { startProjection, type RunningProjection } from "@second-brain/projection";
import { searchBatchHandlers, type ProjectionLogger, type SearchBatchTarget } from "./search.apply.ts";
import { activateModel, registerModel } from "./search.models.ts";
import {
  cacheGenerations,
  checkpointName,
  modelState,
  ownerGenerationKey,
  VECTOR_INDEX_FROM_DOCUMENTS,
} from "@second-brain/read-models";

export interface SearchProjectionOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  embedder: Embedder;
  /** Where the owners' result-cache generations live (shared with the search service). */
  cache?: Cache;
  logger?: ProjectionLogger;
  /**
   * Events per batch. Small by default because every created memory is embedded before its batch
   * commits: at ~20 texts/s on the local model, 32 creations hold their batch ~1.6 s, while a
   * lone create is findable as soon as it is embedded.
   */
  batchSize?: number;
  /** From how many documents an owner is searched through the vector index; default by pool (search.apply.ts). */
  vectorIndexFrom?: number | null;
}

export interface SearchProjection extends RunningProjection {
  /** Whether this model's table has caught up with the log (and so is, or may become, active). */
  ready(): boolean;
}

/**
 * Keeps the configured model's documents table up to date with the log, from its own checkpoint.
 * After each commit it gives every touched owner a fresh cache generation; once it reaches the end
 * of the log its model becomes the active one.
 */
export async function startSearchProjection(options: SearchProjectionOptions): Promise<SearchProjection> {
  const { pool, store, embedder, cache } = options;
  const logger = options.logger ?? createLogger("search-index");
  const model = embedder.model;
  const target: SearchBatchTarget = {
    pool,
    keyring: options.keyring,
    embedder,
    logger,
    vectorIndexFrom:
      options.vectorIndexFrom === undefined ? defaultVectorIndexFrom(pool) : options.vectorIndexFrom,
  };
  await registerModel(pool, model, embedder.dimensions);
  let ready = (await modelState(pool, model))?.ready ?? false;

  const projection = await startProjection({
    name: checkpointName(model),
    pool,
    store,
    logger,
    batchSize: options.batchSize ?? 32,
    lagLabel: "search",
    ...searchBatchHandlers(target),
    afterCommit: async (_events, plan) => {
      if (!cache) return;
      await cacheGenerations.renew(cache, [...plan.owners].map(ownerGenerationKey));
    },
    onceCaughtUp: async () => {
      if (ready) return;
      const replaced = await activateModel(pool, model);
      ready = true;
      logger.info("search model caught up with the log and is active", { model, replaced });
    },
  });
  return { ...projection, ready: () => ready };
}

/** PGlite's searches always scan exactly (the search service), so nothing there reads the index. */
function defaultVectorIndexFrom(pool: SqlPool): number | null {
  return pool.kind === "pglite" ? null : VECTOR_INDEX_FROM_DOCUMENTS;
}
