import { runServices } from "@second-brain/runtime";
import { memoriesFromResources } from "./compose.ts";

// One process running the memories-projection alone: what its container runs.
await runServices("memories-projection", [memoriesFromResources]);
