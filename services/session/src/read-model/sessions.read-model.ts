import type { EventStore } from "@second-brain/event-store";
import type { Keyring, SqlPool } from "@second-brain/platform";
import { startProjection, type ProjectionLogger, type RunningProjection } from "@second-brain/projection";
import { applySessionEvents, prefetchSessionKeys } from "./sessions.apply.ts";
import { migrateSessionsReadModel } from "../migrations/index.ts";

/** The read model's position in the log (its row in projection_checkpoints). */
export const SESSIONS_CHECKPOINT = "sessions";

export interface SessionsReadModelOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  logger: ProjectionLogger;
  project: boolean;
}

/** The running projection; null on a node that only queries the read model. */
export type SessionsReadModel = RunningProjection | null;

/** Migrates the sessions read model and keeps it up to date from the log (its own checkpoint). */
export async function startSessionsReadModel(options: SessionsReadModelOptions): Promise<SessionsReadModel> {
  await migrateSessionsReadModel(options.pool);
  if (!options.project) return null;
  return startProjection({
    name: SESSIONS_CHECKPOINT,
    pool: options.pool,
    store: options.store,
    logger: options.logger,
    prepare: (events) => prefetchSessionKeys(options.keyring, events),
    apply: applySessionEvents,
  });
}
