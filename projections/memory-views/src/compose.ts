import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { memoryViewsService } from "./memory-views.service.ts";

/** The memories read model on the process's shared resources (embedded and distributed alike). */
export function memoryViewsFromResources(resources: Resources): ServiceSchema {
  return memoryViewsService({
    pool: resources.pool,
    store: resources.store,
    keyring: resources.keyring,
    cache: resources.cache,
  });
}
