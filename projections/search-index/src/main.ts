import { runServices } from "@second-brain/runtime";
import { searchIndexFromResources } from "./compose.ts";

// One process running the search projection alone: what its container runs.
await runServices("search-index", [searchIndexFromResources]);
