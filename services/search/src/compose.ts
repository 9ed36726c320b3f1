import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { searchService } from "./search.service.ts";

/** The search service on the process's shared resources (embedded and distributed alike). */
export function searchFromResources(resources: Resources): ServiceSchema {
  return searchService({
    pool: resources.pool,
    cache: resources.cache,
    embedder: () => resources.embedder(),
  });
}
