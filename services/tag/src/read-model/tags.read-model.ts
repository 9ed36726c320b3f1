import type { EventStore } from "@second-brain/event-store";
import type { Keyring, SqlPool } from "@second-brain/platform";
import { startProjection, type ProjectionLogger, type RunningProjection } from "@second-brain/projection";
import { applyTagEvents, prefetchTagKeys } from "./tags.apply.ts";
import { migrateTagsReadModel } from "../migrations/index.ts";

/** The read model's position in the log (its row in projection_checkpoints). */
export const TAGS_CHECKPOINT = "tags";

export type TagsReadModel = RunningProjection;

/**
 * Migrates the tag read model and keeps it up to date from the log with its own checkpoint. Tag
 * names are encrypted in the log: owners' keys are fetched before each batch's transaction.
 */
export async function startTagsReadModel(options: {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  logger: ProjectionLogger;
}): Promise<TagsReadModel> {
  await migrateTagsReadModel(options.pool);
  return startProjection({
    name: TAGS_CHECKPOINT,
    pool: options.pool,
    store: options.store,
    logger: options.logger,
    prepare: (events) => prefetchTagKeys(options.keyring, events),
    apply: (client, events, keyOf) => applyTagEvents(client, events, keyOf),
  });
}
