import { comparePositions, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import { inTransaction, type Keyring, type SqlClient, type SqlPool } from "@second-brain/platform";
import { compareAndSetCheckpoint } from "./checkpoints.ts";
import { decodeMemoryEvent, prefetchKeys, type KeyLookup } from "./memories.decrypt.ts";
import { evolveMemoryRow, versionCheck } from "./memories.evolve.ts";
import { deleteRow, loadRowForUpdate, purgeOwner, upsertRow } from "./memories.rows.ts";

export interface ProjectionLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

/** The memory's stream skips versions: an event was lost or reordered, so projecting on would be wrong. */
export class StreamGapError extends Error {
  constructor(memoryId: string, rowVersion: number, eventVersion: number) {
    super(`Memory ${memoryId} is at version ${rowVersion} but the next event has version ${eventVersion}`);
    this.name = "StreamGapError";
  }
}

/**
 * Applies events to `table` on the caller's client (inside its transaction): each memory is
 * locked, evolved and written back. Events the row already reflects are skipped, so applying a
 * batch twice leaves the table as applying it once. Owners' keys come from `keyOf`, fetched before
 * the transaction (see prefetchKeys).
 */
export async function applyMemoryEvents(
  client: SqlClient,
  table: string,
  keyOf: KeyLookup,
  events: readonly RecordedEvent[],
  logger?: ProjectionLogger,
): Promise<void> {
  const purged = new Set<string>();
  for (const recorded of events) {
    const decoded = await decodeMemoryEvent(recorded, keyOf);
    if (decoded.kind === "other") continue;
    if (decoded.kind === "erased") {
      if (!purged.has(decoded.ownerId)) {
        purged.add(decoded.ownerId);
        const removed = await purgeOwner(client, table, decoded.ownerId);
        if (removed > 0)
          logger?.info("purged an erased owner's memories", { ownerId: decoded.ownerId, removed });
      }
      continue;
    }
    const event = decoded.event;
    const row = await loadRowForUpdate(client, table, event.data.memoryId);
    const check = versionCheck(row, event.streamVersion);
    if (check === "applied") continue;
    if (check === "gap") throw new StreamGapError(event.data.memoryId, row!.version, event.streamVersion);
    const next = evolveMemoryRow(row, event);
    if (next) await upsertRow(client, table, next);
    else if (row) await deleteRow(client, table, row.id);
  }
}

export interface BatchTarget {
  pool: SqlPool;
  keyring: Keyring;
  table: string;
  checkpoint: string;
  logger?: ProjectionLogger;
}

/**
 * One batch, one transaction: the checkpoint moves from `after` to the batch's last position and
 * the rows change together, or neither does. The compare-and-set comes first so a second instance
 * waits on the checkpoint's row lock and then fails fast instead of redoing the work.
 * Returns the new position (unchanged when the batch held nothing new).
 */
export async function projectMemoriesBatch(
  target: BatchTarget,
  after: LogPosition,
  events: readonly RecordedEvent[],
): Promise<LogPosition> {
  const fresh = events.filter((event) => comparePositions(event.position, after) > 0);
  const last = fresh[fresh.length - 1];
  if (!last) return after;
  const keyOf = await prefetchKeys(target.keyring, fresh);
  await inTransaction(target.pool, async (client) => {
    // A read model is rebuilt from the log, so its commits need not wait for the disk: if the
    // server crashes, the rows and the checkpoint are lost together and the batch is read again.
    await client.query("SET LOCAL synchronous_commit TO OFF");
    await compareAndSetCheckpoint(client, target.checkpoint, after, last.position);
    await applyMemoryEvents(client, target.table, keyOf, fresh, target.logger);
  });
  return last.position;
}
