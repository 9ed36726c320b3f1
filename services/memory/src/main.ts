import { runServices } from "@second-brain/runtime";
import { memoryFromResources } from "./compose.ts";

// One process running the memory service alone: what its container runs.
await runServices("memory", [memoryFromResources]);
