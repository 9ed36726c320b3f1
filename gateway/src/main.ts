import { runServices } from "@second-brain/runtime";
import { adminFromResources, gatewayFromResources } from "./compose.ts";

// One process running the gateway alone: what its container runs.
await runServices("gateway", [gatewayFromResources, adminFromResources]);
