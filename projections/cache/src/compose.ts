import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { cacheProjection } from "./cache-projection.service.ts";

export function cacheProjectionFromResources(resources: Resources): ServiceSchema {
  return cacheProjection({ store: resources.store, cache: resources.cache, pool: resources.pool });
}
