import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { identityService } from "./identity.service.ts";

/** The identity service on the process's resources (embedded and distributed alike). */
export function identityFromResources(resources: Resources): ServiceSchema {
  return identityService({
    pool: resources.pool,
    keyring: resources.keyring,
    jwtSecret: resources.jwtSecret,
    accessTokenTtlSeconds: resources.config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: resources.config.refreshTokenTtlSeconds,
    store: resources.store,
    revocations: resources.revocations,
    quotas: resources.config.quotas,
    ...(resources.config.passwordScrypt ? { passwordParams: resources.config.passwordScrypt } : {}),
  });
}
