import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { adminService } from "./admin.service.ts";
import { gatewayService } from "./gateway.service.ts";

/** The REST gateway on the process's resources; it needs only the configuration and the token secret. */
export function gatewayFromResources(resources: Resources): ServiceSchema {
  return gatewayService({ config: resources.config, jwtSecret: resources.jwtSecret });
}

/** Admin operations (projection status and rebuilds), run in the gateway's process. */
export function adminFromResources(_resources: Resources): ServiceSchema {
  return adminService();
}
