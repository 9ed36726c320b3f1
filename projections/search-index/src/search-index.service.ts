import type { Context, ServiceSchema } from "moleculer";
import { formatPosition, type CallMeta } from "@second-brain/contracts";
import type { Embedder } from "@second-brain/embeddings";
import type { EventStore } from "@second-brain/event-store";
import {
  appErrorsMixin,
  createLogger,
  readModelAdminMixin,
  requireAdmin,
  type Cache,
  type Keyring,
  type SqlPool,
} from "@second-brain/platform";
import type { ProjectionLogger } from "./read-model/search.apply.ts";
import { migrateSearchIndex } from "./migrations/index.ts";
import { startSearchProjection, type SearchProjection } from "./read-model/search.projection.ts";

export interface SearchIndexServiceOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  cache: Cache;
  /** Opened when the service starts, so a process that only queries never loads a model. */
  embedder: () => Promise<Embedder>;
  logger?: ProjectionLogger;
  batchSize?: number;
}

/** The search read model's builder: one process (or one service of the embedded broker). */
export function searchIndexService(options: SearchIndexServiceOptions): ServiceSchema {
  const logger = options.logger ?? createLogger("search-index");
  let projection: SearchProjection | null = null;
  let model = "";

  return {
    name: "search-index",
    mixins: [appErrorsMixin, readModelAdminMixin(() => projection)],
    actions: {
      /** Admin: the model, where its projection stands in the log, and whether it caught up. */
      status: {
        params: { $$strict: true },
        handler: (ctx: Context<Record<string, never>, CallMeta>) => {
          requireAdmin(ctx);
          return {
            name: "search",
            model,
            position: projection ? formatPosition(projection.position()) : null,
            ready: projection?.ready() ?? false,
          };
        },
      },
    },
    async started() {
      await migrateSearchIndex(options.pool);
      const embedder = await options.embedder();
      model = embedder.model;
      projection = await startSearchProjection({
        pool: options.pool,
        store: options.store,
        keyring: options.keyring,
        cache: options.cache,
        embedder,
        logger,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      });
    },
    async stopped() {
      await projection?.stop();
      projection = null;
    },
  };
}
