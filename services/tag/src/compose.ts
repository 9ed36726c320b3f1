import type { Resources } from "@second-brain/runtime";
import { tagService } from "./tag.service.ts";

/** Builds the tag service from the process's resources (embedded or distributed). */
export const tagFromResources = (resources: Resources) =>
  tagService({
    store: resources.store,
    pool: resources.pool,
    keyring: resources.keyring,
    limits: resources.config.limits,
  });
