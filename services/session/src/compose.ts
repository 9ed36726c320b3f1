import type { Resources } from "@second-brain/runtime";
import { sessionService } from "./session.service.ts";

/** Builds the session service from the process's resources (embedded or distributed). */
export const sessionFromResources = (resources: Resources) =>
  sessionService({
    store: resources.store,
    keyring: resources.keyring,
    limits: resources.config.limits,
    quotas: resources.config.quotas,
    pool: resources.pool,
  });
