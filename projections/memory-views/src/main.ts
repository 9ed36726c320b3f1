import { runServices } from "@second-brain/runtime";
import { memoryViewsFromResources } from "./compose.ts";

// One process running the memory-views alone: what its container runs.
await runServices("memory-views", [memoryViewsFromResources]);
