import { runServices } from "@second-brain/runtime";
import { cacheProjectionFromResources } from "./compose.ts";

// One process running the cache-projection alone: what its container runs.
await runServices("cache-projection", [cacheProjectionFromResources]);
