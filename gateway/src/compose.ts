import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { adminService } from "./admin.service.ts";
import { requestLimitsFor } from "./adapters/rate-limit.ts";
import { gatewayService } from "./gateway.service.ts";

/**
 * The REST gateway on the process's resources: the configuration, the token secret, the revoked
 * sessions, the object store it streams uploads into, and the rate limits (counted in Redis in the
 * distributed mode).
 */
export function gatewayFromResources(resources: Resources): ServiceSchema {
  return gatewayService({
    config: resources.config,
    jwtSecret: resources.jwtSecret,
    revocations: resources.revocations,
    objects: resources.objects,
    requestLimits: requestLimitsFor(resources.config, resources.jwtSecret),
  });
}

/** Admin operations (projection status and rebuilds), run in the gateway's process. */
export function adminFromResources(_resources: Resources): ServiceSchema {
  return adminService();
}
