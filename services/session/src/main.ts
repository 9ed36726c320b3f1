import { runServices } from "@second-brain/runtime";
import { sessionFromResources } from "./compose.ts";

// One process running the session service alone: what its container runs.
await runServices("session", [sessionFromResources]);
