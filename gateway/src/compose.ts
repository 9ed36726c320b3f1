import type { ServiceSchema } from "moleculer";
import type { Resources } from "@second-brain/runtime";
import { gatewayService } from "./gateway.service.ts";

/** The REST gateway on the process's resources; it needs only the configuration and the token secret. */
export function gatewayFromResources(resources: Resources): ServiceSchema {
  return gatewayService({ config: resources.config, jwtSecret: resources.jwtSecret });
}
