import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, so entries resolve the same from any working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The processes of the distributed mode: each runs one service (or projection) on its own broker,
 * exactly what one container of the deployment runs.
 */
export const DISTRIBUTED_PROCESSES = {
  identity: "services/identity/src/main.ts",
  memory: "services/memory/src/main.ts",
  "memory-views": "projections/memory-views/src/main.ts",
  "memory-cache": "projections/memory-cache/src/main.ts",
  "search-index": "projections/search-index/src/main.ts",
  search: "services/search/src/main.ts",
  attachment: "services/attachment/src/main.ts",
  session: "services/session/src/main.ts",
  tag: "services/tag/src/main.ts",
  gateway: "gateway/src/main.ts",
} as const;

export type ProcessName = keyof typeof DISTRIBUTED_PROCESSES;

export const EMBEDDED_ENTRY = "packages/launcher/src/embedded.ts";

export function entryPath(relative: string): string {
  return path.join(REPO_ROOT, relative);
}
