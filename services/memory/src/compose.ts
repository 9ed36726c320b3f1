import type { Resources } from "@second-brain/runtime";
import { memoryService } from "./memory.service.ts";

/** Builds the memory service from the process's resources (embedded or distributed). */
export const memoryFromResources = (resources: Resources) =>
  memoryService({
    store: resources.store,
    keyring: resources.keyring,
    limits: resources.config.limits,
    quotas: resources.config.quotas,
  });
