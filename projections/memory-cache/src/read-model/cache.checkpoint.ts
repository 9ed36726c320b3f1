import type { LogPosition } from "@second-brain/contracts";
import type { SqlPool } from "@second-brain/platform";
import { ensureCheckpoint, readCheckpoint } from "@second-brain/projection";

export const CACHE_CHECKPOINT = "cache";

export async function readCacheCheckpoint(pool: SqlPool): Promise<LogPosition> {
  await ensureCheckpoint(pool, CACHE_CHECKPOINT);
  return readCheckpoint(pool, CACHE_CHECKPOINT);
}
