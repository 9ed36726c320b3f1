import type { Context, ServiceSchema } from "moleculer";
import {
  ForbiddenError,
  formatPosition,
  MEMORY_TYPES,
  type CallMeta,
  type Caller,
  type Memory,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import {
  callerOf,
  appErrorsMixin,
  createLogger,
  readModelAdminMixin,
  type Cache,
  type Keyring,
  type SqlPool,
} from "@second-brain/platform";
import { readCheckpoint } from "@second-brain/projection";
import { createMemoriesDb } from "./kysely.ts";
import { migrateMemoriesProjection } from "./migrate.ts";
import type { ProjectionLogger } from "./memories.apply.ts";
import { startMemoriesProjection, type MemoriesProjection } from "./memories.projection.ts";
import { listMemories, type ListMemoriesOptions, type MemoryPage } from "./memories.queries.ts";
import { readMemory, type MemoryReader } from "./memories.read.ts";
import { rebuildMemories } from "./memories.rebuild.ts";
import { MEMORIES_CHECKPOINT } from "./memories.table.ts";

export interface MemoriesServiceOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  cache: Cache;
  /** Set false to serve queries without projecting (another node runs the projection). */
  project?: boolean;
  logger?: ProjectionLogger;
}

/** Queries on the memories read model, and the projection that keeps it up to date. */
export function memoriesService(options: MemoriesServiceOptions): ServiceSchema {
  const logger = options.logger ?? createLogger("memories-projection");
  const db = createMemoriesDb(options.pool);
  const reader: MemoryReader = { db, store: options.store, keyring: options.keyring, cache: options.cache };
  let projection: MemoriesProjection | null = null;
  let rebuilding: Promise<unknown> | null = null;

  return {
    name: "memories",
    mixins: [appErrorsMixin, readModelAdminMixin(() => projection)],
    actions: {
      get: {
        params: { $$strict: true, id: { type: "uuid" } },
        handler: (ctx: Context<{ id: string }, CallMeta>): Promise<Memory> =>
          readMemory(reader, callerOf(ctx).userId, ctx.params.id),
      },
      list: {
        params: {
          $$strict: true,
          tag: { type: "string", min: 1, max: 64, trim: true, lowercase: true, optional: true },
          type: { type: "enum", values: [...MEMORY_TYPES], optional: true },
          status: { type: "enum", values: ["draft", "active", "archived"], optional: true },
          sessionId: { type: "uuid", optional: true },
          limit: { type: "number", integer: true, min: 1, max: 100, convert: true, optional: true },
          cursor: { type: "string", min: 1, max: 512, optional: true },
        },
        handler: (ctx: Context<ListMemoriesOptions, CallMeta>): Promise<MemoryPage> =>
          listMemories(db, callerOf(ctx).userId, ctx.params),
      },
      /** Admin: where the projection stands in the log. */
      status: {
        params: { $$strict: true },
        handler: async (ctx: Context<Record<string, never>, CallMeta>) => {
          requireAdmin(callerOf(ctx));
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
          requireAdmin(callerOf(ctx));
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
      await migrateMemoriesProjection(options.pool);
      if (options.project !== false) {
        projection = await startMemoriesProjection({
          pool: options.pool,
          store: options.store,
          keyring: options.keyring,
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

function requireAdmin(caller: Caller): void {
  if (caller.role !== "admin") throw new ForbiddenError("Only an admin can manage projections.");
}
