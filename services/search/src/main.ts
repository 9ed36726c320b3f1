import { runServices } from "@second-brain/runtime";
import { searchFromResources } from "./compose.ts";

// One process running the search service alone: what its container runs.
await runServices("search", [searchFromResources]);
