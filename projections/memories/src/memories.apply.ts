import type { LogPosition, RecordedEvent } from "@second-brain/contracts";
import type { Keyring, SqlClient, SqlPool } from "@second-brain/platform";
import { projectBatch, type BatchHandlers, type ProjectionLogger } from "@second-brain/projection";
import { decodeMemoryEvent, prefetchKeys, type KeyLookup } from "./memories.decrypt.ts";
import { evolveAttachments, evolveMemoryRow, versionCheck } from "./memories.evolve.ts";
import { deleteRow, loadRowForUpdate, purgeOwner, upsertRow } from "./memories.rows.ts";

export type { ProjectionLogger };

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
    if (decoded.kind === "attachment") {
      // The memory's own version does not move: attachments are another stream's facts.
      const row = await loadRowForUpdate(client, table, decoded.memoryId);
      if (row && row.status !== "deleted")
        await upsertRow(client, table, evolveAttachments(row, decoded.change));
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

/** Owners' keys are fetched before the batch transaction (see prefetchKeys), the rows change inside it. */
export function memoriesBatchHandlers(target: BatchTarget): BatchHandlers<KeyLookup> {
  return {
    prepare: (events) => prefetchKeys(target.keyring, events),
    apply: (client, events, keyOf) => applyMemoryEvents(client, target.table, keyOf, events, target.logger),
  };
}

/**
 * Projects one batch into `target.table` with the checkpoint's compare-and-set (see projectBatch).
 * Returns the new position (unchanged when the batch held nothing new).
 */
export async function projectMemoriesBatch(
  target: BatchTarget,
  after: LogPosition,
  events: readonly RecordedEvent[],
): Promise<LogPosition> {
  const batch = { pool: target.pool, name: target.checkpoint };
  const done = await projectBatch(batch, memoriesBatchHandlers(target), after, events);
  return done?.position ?? after;
}
