import { runServices } from "@second-brain/runtime";
import { attachmentFromResources } from "./compose.ts";

// One process running the attachment service alone: what its container runs.
await runServices("attachment", [attachmentFromResources]);
