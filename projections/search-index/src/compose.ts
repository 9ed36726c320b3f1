import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { searchIndexService } from "./search-index.service.ts";

/** The search projection on the process's shared resources (embedded and distributed alike). */
export function searchIndexFromResources(resources: Resources): ServiceSchema {
  return searchIndexService({
    pool: resources.pool,
    store: resources.store,
    keyring: resources.keyring,
    cache: resources.cache,
    embedder: () => resources.embedder(),
  });
}
