import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { memoryCacheService } from "./memory-cache.service.ts";

export function memoryCacheFromResources(resources: Resources): ServiceSchema {
  return memoryCacheService({ store: resources.store, cache: resources.cache, pool: resources.pool });
}
