import { formatPosition, type LogPosition } from "@second-brain/contracts";
import type { Embedder } from "@second-brain/embeddings";
import type { EventStore, Subscription } from "@second-brain/event-store";
import { createLogger, projectionLag, type Cache, type Keyring, type SqlPool } from "@second-brain/platform";
import { randomUUID } from "node:crypto";
import { CheckpointMovedError, ensureCheckpoint, readCheckpoint } from "./checkpoints.ts";
import { projectSearchBatch, type ProjectionLogger, type SearchBatchTarget } from "./search-apply.ts";
import { activateModel, registerModel } from "./search-models.ts";
import { checkpointName, GENERATION_TTL_SECONDS, modelState, ownerGenerationKey } from "./search-schema.ts";

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
}

export interface SearchProjection {
  stop(): Promise<void>;
  wake(): void;
  position(): LogPosition;
  /** Whether this model's table has caught up with the log (and so is, or may become, active). */
  ready(): boolean;
}

const RESTART_DELAY_MS = 1_000;

/**
 * Keeps the configured model's documents table up to date with the log, from its own checkpoint.
 * When the checkpoint moves under it (another instance) it resubscribes from the stored position.
 * After each commit it gives every touched owner a fresh cache generation.
 */
export async function startSearchProjection(options: SearchProjectionOptions): Promise<SearchProjection> {
  const { pool, store, embedder } = options;
  const logger = options.logger ?? createLogger("search-projection");
  const batchSize = options.batchSize ?? 32;
  const model = embedder.model;
  const checkpoint = checkpointName(model);
  const target: SearchBatchTarget = { pool, keyring: options.keyring, embedder, logger };
  await registerModel(pool, model, embedder.dimensions);
  await ensureCheckpoint(pool, checkpoint);
  let position = await readCheckpoint(pool, checkpoint);
  let ready = (await modelState(pool, model))?.ready ?? false;
  let generation = 0;
  let stopped = false;
  let subscription: Subscription;
  let restarting: Promise<void> | null = null;

  const markCaughtUp = async () => {
    if (ready) return;
    const replaced = await activateModel(pool, model);
    ready = true;
    logger.info("search model caught up with the log and is active", { model, replaced });
  };

  const bumpGenerations = async (owners: Set<string>) => {
    if (!options.cache) return;
    await Promise.all(
      [...owners].map((owner) =>
        options.cache!.set(ownerGenerationKey(owner), randomUUID(), GENERATION_TTL_SECONDS),
      ),
    );
  };

  const subscribeFrom = (from: LogPosition) => {
    const mine = ++generation;
    subscription = store.subscribe({
      after: from,
      batchSize,
      handle: async (events) => {
        if (mine !== generation || stopped) throw new SupersededError();
        const outcome = await projectSearchBatch(target, position, events);
        position = outcome.position;
        await bumpGenerations(outcome.owners).catch((error: unknown) =>
          logger.warn("cannot bump search cache generations", { error: describe(error) }),
        );
        if (events.length < batchSize) {
          projectionLag.set({ projection: "search" }, 0);
          await markCaughtUp();
        }
      },
      onError: (error) => {
        if (mine !== generation || error instanceof SupersededError) return;
        if (error instanceof CheckpointMovedError) {
          logger.warn("checkpoint moved by another writer; restarting from the stored position", {
            position: formatPosition(position),
          });
          restart();
          return;
        }
        logger.error("search batch failed; it will be retried", { error: describe(error) });
      },
    });
  };

  const restart = () => {
    if (restarting || stopped) return;
    const old = subscription;
    generation++;
    restarting = (async () => {
      await old.stop();
      while (!stopped) {
        try {
          position = await readCheckpoint(pool, checkpoint);
          subscribeFrom(position);
          return;
        } catch (error) {
          logger.error("cannot read the search checkpoint; retrying", { error: describe(error) });
          await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
        }
      }
    })().finally(() => (restarting = null));
  };

  // An empty log (or one already projected) delivers no batch, so "caught up" is checked once here.
  if ((await store.readAll({ after: position, limit: 1 })).length === 0) await markCaughtUp();
  subscribeFrom(position);
  logger.info("search projection started", { model, position: formatPosition(position), ready });

  return {
    stop: async () => {
      stopped = true;
      await restarting;
      await subscription.stop();
    },
    wake: () => subscription.wake(),
    position: () => position,
    ready: () => ready,
  };
}

class SupersededError extends Error {
  constructor() {
    super("This subscription was replaced by a newer one.");
    this.name = "SupersededError";
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
