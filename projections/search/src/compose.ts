import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { searchProjectionService } from "./search-projection.service.ts";

/** The search projection on the process's shared resources (embedded and distributed alike). */
export function searchProjectionFromResources(resources: Resources): ServiceSchema {
  return searchProjectionService({
    pool: resources.pool,
    store: resources.store,
    keyring: resources.keyring,
    cache: resources.cache,
    embedder: () => resources.embedder(),
  });
}
