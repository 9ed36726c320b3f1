import { runServices } from "@second-brain/runtime";
import { tagFromResources } from "./compose.ts";

// One process running the tag service alone: what its container runs.
await runServices("tag", [tagFromResources]);
