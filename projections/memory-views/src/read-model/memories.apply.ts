import type { LogPosition, RecordedEvent } from "@second-brain/contracts";
import type { Keyring, SqlClient, SqlPool } from "@second-brain/platform";
import { projectBatch, type BatchHandlers, type ProjectionLogger } from "@second-brain/projection";
import {
  decodeMemoryEvent,
  prefetchKeys,
  StreamGapError,
  versionCheck,
  type DecodedEvent,
  type KeyLookup,
} from "@second-brain/read-models";
import { evolveMemoryRow } from "./memories.evolve.ts";
import {
  deleteRows,
  loadRowsForUpdate,
  purgeOwner,
  purgeOwnerFromRebuildCopies,
  upsertRows,
} from "./memories.rows.ts";
import { addUsage, purgeUsage, usageChanges } from "./memories.usage.ts";

export type { ProjectionLogger };

/**
 * Applies events to `table` on the caller's client (inside its transaction). The batch's rows are
 * read and locked in one query, evolved in memory in log order, and written back in one
 * statement, so a batch costs a few round trips however many events it holds (row by row, a
 * CPU-starved projection kept its transaction open long enough to fall seconds behind under load).
 * Events a row already reflects are skipped, so applying a batch twice leaves the table as
 * applying it once. Owners' keys come from `keyOf`, fetched before the transaction (prefetchKeys).
 * Each owner's usage (memories.usage.ts) moves by what the batch changed of their rows.
 */
export async function applyMemoryEvents(
  client: SqlClient,
  table: string,
  keyOf: KeyLookup,
  events: readonly RecordedEvent[],
  logger?: ProjectionLogger,
): Promise<void> {
  const decoded: DecodedEvent[] = [];
  for (const recorded of events) decoded.push(await decodeMemoryEvent(recorded, keyOf));
  const touched = new Set<string>();
  for (const item of decoded) {
    if (item.kind === "memory" || item.kind === "attachment") touched.add(item.event.data.memoryId);
  }
  const rows = await loadRowsForUpdate(client, table, [...touched]);
  const before = new Map(rows);
  const changed = new Set<string>();
  const removed = new Set<string>();
  const purged = new Set<string>();
  for (const item of decoded) {
    if (item.kind === "other") continue;
    if (item.kind === "erased") {
      if (purged.has(item.ownerId)) continue;
      purged.add(item.ownerId);
      for (const [id, row] of rows) {
        if (row.ownerId !== item.ownerId) continue;
        rows.delete(id);
        changed.delete(id);
      }
      const count = await purgeOwner(client, table, item.ownerId);
      await purgeUsage(client, table, item.ownerId);
      await purgeOwnerFromRebuildCopies(client, table, item.ownerId);
      if (count > 0)
        logger?.info("purged an erased owner's memories", { ownerId: item.ownerId, removed: count });
      continue;
    }
    if (item.kind === "attachment") {
      // The memory's own version does not move: attachments are another stream's facts.
      const row = rows.get(item.event.data.memoryId) ?? null;
      const next = evolveMemoryRow(row, item.event);
      if (next && next !== row) {
        rows.set(next.id, next);
        changed.add(next.id);
      }
      continue;
    }
    const event = item.event;
    const id = event.data.memoryId;
    const row = rows.get(id) ?? null;
    const check = versionCheck(row, event.streamVersion);
    if (check === "applied") continue;
    if (check === "gap") throw new StreamGapError(id, row!.version, event.streamVersion);
    const next = evolveMemoryRow(row, event);
    if (next) {
      rows.set(id, next);
      changed.add(id);
      removed.delete(id);
    } else if (row) {
      rows.delete(id);
      changed.delete(id);
      removed.add(id);
    }
  }
  await upsertRows(
    client,
    table,
    [...changed].map((id) => rows.get(id)!),
  );
  await deleteRows(client, table, [...removed]);
  await addUsage(client, table, usageChanges(before, rows, [...changed, ...removed], purged));
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
