import { runServices } from "@second-brain/runtime";
import { identityFromResources } from "./compose.ts";

// One process running the identity alone: what its container runs.
await runServices("identity", [identityFromResources]);
