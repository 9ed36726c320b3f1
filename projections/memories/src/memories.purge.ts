import type { SqlPool } from "@second-brain/platform";
import { purgeOwner } from "./memories.rows.ts";
import { MEMORIES_TABLE } from "./memories.table.ts";

/**
 * Removes every row of an erased owner at once. The projection also purges when it meets an event
 * whose owner has no key any more, but an owner who writes nothing after the erasure would
 * otherwise keep rows until the next rebuild: the erasure flow calls this.
 */
export async function purgeMemoriesOf(pool: SqlPool, ownerId: string): Promise<number> {
  return purgeOwner(pool, MEMORIES_TABLE, ownerId);
}
