import { runServices } from "@second-brain/runtime";
import { identityFromResources } from "@second-brain/identity-service/compose";
import { memoryFromResources } from "@second-brain/memory-service/compose";
import { memoryViewsFromResources } from "@second-brain/memory-views/compose";
import { memoryCacheFromResources } from "@second-brain/memory-cache/compose";
import { searchIndexFromResources } from "@second-brain/search-index/compose";
import { searchFromResources } from "@second-brain/search-service/compose";
import { attachmentFromResources } from "@second-brain/attachment-service/compose";
import { sessionFromResources } from "@second-brain/session-service/compose";
import { tagFromResources } from "@second-brain/tag-service/compose";
import { adminFromResources, gatewayFromResources } from "@second-brain/gateway/compose";

// The embedded mode: every service, projection and the gateway on one broker in this process,
// on PGlite in SB_DATA_DIR with an in-memory cache. The services are the same modules the
// distributed processes load; only the resources they are given differ.
process.env.SB_MODE = "embedded";
await runServices("second-brain", [
  identityFromResources,
  memoryFromResources,
  memoryViewsFromResources,
  memoryCacheFromResources,
  searchIndexFromResources,
  searchFromResources,
  attachmentFromResources,
  sessionFromResources,
  tagFromResources,
  gatewayFromResources,
  adminFromResources,
]);
