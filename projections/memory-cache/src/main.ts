import { runServices } from "@second-brain/runtime";
import { memoryCacheFromResources } from "./compose.ts";

// One process running the memory-cache alone: what its container runs.
await runServices("memory-cache", [memoryCacheFromResources]);
