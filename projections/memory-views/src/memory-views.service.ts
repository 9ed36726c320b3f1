import type { Context, ServiceSchema } from "moleculer";
import {
  checkTagFilter,
  formatPosition,
  ValidationError,
  type CallMeta,
  type Memory,
  type MemoryUsage,
  type Problems,
} from "@second-brain/contracts";
import { memorySchemas } from "@second-brain/contracts/schemas";
import type { EventStore } from "@second-brain/event-store";
import {
  callerOf,
  appErrorsMixin,
  createLogger,
  readModelAdminMixin,
  requireAdmin,
  type Cache,
  type Keyring,
  type SqlPool,
} from "@second-brain/platform";
import { readCheckpoint } from "@second-brain/projection";
import { createMemoriesDb } from "./adapters/kysely.ts";
import { migrateMemoryViews } from "./migrations/index.ts";
import type { ProjectionLogger } from "./read-model/memories.apply.ts";
import { startMemoriesProjection, type MemoriesProjection } from "./read-model/memories.projection.ts";
import { listMemories, type ListMemoriesOptions, type MemoryPage } from "./read-model/memories.queries.ts";
import { readMemory, type MemoryReader } from "./application/read-memory.ts";
import { rebuildMemories } from "./read-model/memories.rebuild.ts";
import { MEMORIES_CHECKPOINT, MEMORIES_TABLE } from "./read-model/memories.table.ts";
import { readUsage } from "./read-model/memories.usage.ts";

export interface MemoryViewsServiceOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  cache: Cache;
  /** Set false to serve queries without projecting (another node runs the projection). */
  project?: boolean;
  logger?: ProjectionLogger;
}

/** Queries on the memories read model, and the projection that keeps it up to date. */
export function memoryViewsService(options: MemoryViewsServiceOptions): ServiceSchema {
  const logger = options.logger ?? createLogger("memory-views");
  const db = createMemoriesDb(options.pool);
  const reader: MemoryReader = { db, store: options.store, keyring: options.keyring, cache: options.cache };
  let projection: MemoriesProjection | null = null;
  let rebuilding: Promise<unknown> | null = null;

  return {
    name: "memory-views",
    mixins: [appErrorsMixin, readModelAdminMixin(() => projection)],
    actions: {
      get: {
        params: memorySchemas.MemoryIdParams,
        handler: (ctx: Context<{ id: string }, CallMeta>): Promise<Memory> =>
          readMemory(reader, callerOf(ctx).userId, ctx.params.id),
      },
      list: {
        params: memorySchemas.MemoryListQuery,
        handler: (ctx: Context<ListMemoriesOptions, CallMeta>): Promise<MemoryPage> => {
          const { tag, ...options } = ctx.params;
          if (tag === undefined) return listMemories(db, callerOf(ctx).userId, options);
          const problems: Problems = [];
          const named = checkTagFilter(tag, "tag", problems);
          if (problems.length > 0) throw new ValidationError("The list request is not valid.", problems);
          return listMemories(db, callerOf(ctx).userId, { ...options, tag: named });
        },
      },
      /** The caller's live memories and their stored bytes, for the quotas (API.md, Quotas). */
      usage: {
        params: { $$strict: true },
        handler: (ctx: Context<Record<string, never>, CallMeta>): Promise<MemoryUsage> =>
          readUsage(options.pool, MEMORIES_TABLE, callerOf(ctx).userId),
      },
      /** Admin: where the projection stands in the log. */
      status: {
        params: { $$strict: true },
        handler: async (ctx: Context<Record<string, never>, CallMeta>) => {
          requireAdmin(ctx);
          const position = await readCheckpoint(options.pool, MEMORIES_CHECKPOINT);
          // Counted up to a cap: beyond it, "at least" is all an admin needs to know.
          const pending = await options.store.readAll({ after: position, limit: 10_000 });
          return {
            name: "memories",
            position: formatPosition(position),
            rebuilding: !!rebuilding,
            lagEvents: pending.length,
          };
        },
      },
      /** Admin: replays the log into a fresh table and swaps it in; answers at once (202). */
      rebuild: {
        params: { $$strict: true },
        handler: (ctx: Context<Record<string, never>, CallMeta>) => {
          requireAdmin(ctx);
          if (!rebuilding) {
            rebuilding = rebuildMemories({
              pool: options.pool,
              store: options.store,
              keyring: options.keyring,
              logger,
            })
              .catch((error: unknown) => logger.error("memories rebuild failed", { error: String(error) }))
              .finally(() => (rebuilding = null));
          }
          return { accepted: true };
        },
      },
    },
    async started() {
      await migrateMemoryViews(options.pool);
      if (options.project !== false) {
        projection = await startMemoriesProjection({
          pool: options.pool,
          store: options.store,
          keyring: options.keyring,
          cache: options.cache,
          logger,
        });
      }
    },
    async stopped() {
      await projection?.stop();
      projection = null;
      await rebuilding;
    },
  };
}
