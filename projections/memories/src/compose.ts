import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { memoriesService } from "./memories.service.ts";

/** The memories read model on the process's shared resources (embedded and distributed alike). */
export function memoriesFromResources(resources: Resources): ServiceSchema {
  return memoriesService({
    pool: resources.pool,
    store: resources.store,
    keyring: resources.keyring,
    cache: resources.cache,
  });
}
