import type { Resources } from "@second-brain/runtime";
import { runMigrations } from "@second-brain/platform";
import { attachmentIndex } from "./read-model/attachment-index.ts";
import { attachmentIndexMigrations } from "./migrations/index.ts";
import { attachmentService } from "./attachment.service.ts";

/** The attachment service on the process's resources: bytes in `objects`, facts in the event store. */
export const attachmentFromResources = (resources: Resources) =>
  attachmentService({
    deps: {
      store: resources.store,
      keyring: resources.keyring,
      objects: resources.objects,
      pool: resources.pool,
      index: attachmentIndex(resources.pool),
      limits: resources.config.limits,
      quotas: resources.config.quotas,
    },
    prepare: () => runMigrations(resources.pool, "attachment", attachmentIndexMigrations),
    logLevel: resources.config.logLevel,
  });
