import type { EventStore } from "@second-brain/event-store";
import type { SqlPool } from "@second-brain/platform";
import { startCatchUp, type CatchUpLogger } from "./catch-up.ts";
import { applyTagEvents } from "./tags.apply.ts";
import { TAGS_CHECKPOINT, migrateTagsReadModel } from "./tags.migrations.ts";

export interface TagsReadModel {
  wake(): void;
  stop(): Promise<void>;
}

/** Migrates the tag read model and keeps it up to date from the log with its own checkpoint. */
export async function startTagsReadModel(options: {
  pool: SqlPool;
  store: EventStore;
  logger: CatchUpLogger;
}): Promise<TagsReadModel> {
  await migrateTagsReadModel(options.pool);
  return startCatchUp({
    name: TAGS_CHECKPOINT,
    pool: options.pool,
    store: options.store,
    logger: options.logger,
    prepare: async () => undefined,
    apply: (client, events) => applyTagEvents(client, events),
  });
}
