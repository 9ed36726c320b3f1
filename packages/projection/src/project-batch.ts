import { comparePositions, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import { inTransaction, type SqlClient, type SqlPool } from "@second-brain/platform";
import { compareAndSetCheckpoint } from "./checkpoints.ts";

/** What a read model does with a batch; the mechanism around it (checkpoint, transaction) is shared. */
export interface BatchHandlers<Context> {
  /**
   * Runs before the transaction, outside it: owners' key lookups (on PGlite the pool is one
   * connection, so a lookup inside the transaction would deadlock), slow work such as embedding,
   * or idempotent side effects outside the database that must happen before the checkpoint moves.
   */
  prepare?(events: readonly RecordedEvent[]): Promise<Context>;
  /** Changes the rows on the batch transaction's client; must be idempotent by (stream, version). */
  apply(client: SqlClient, events: readonly RecordedEvent[], context: Context): Promise<void>;
}

export interface BatchTarget {
  pool: SqlPool;
  /** The consumer's row in the checkpoints table. */
  name: string;
  /**
   * Whether the commit waits for the disk. Off by default: a read model is rebuilt from the log,
   * so if the server crashes the rows and the checkpoint are lost together and the batch is read again.
   */
  durableCommit?: boolean;
}

export interface ProjectedBatch<Context> {
  position: LogPosition;
  /** The events past `after`: the ones applied. */
  events: readonly RecordedEvent[];
  context: Context;
}

/**
 * One batch, one transaction: the checkpoint moves from `after` to the batch's last position and
 * the rows change together, or neither does. The compare-and-set comes first so a second instance
 * waits on the checkpoint's row lock and then fails fast (CheckpointMovedError) instead of redoing
 * the work. Returns null when the batch held nothing past `after`.
 */
export async function projectBatch<Context>(
  target: BatchTarget,
  handlers: BatchHandlers<Context>,
  after: LogPosition,
  events: readonly RecordedEvent[],
): Promise<ProjectedBatch<Context> | null> {
  const fresh = events.filter((event) => comparePositions(event.position, after) > 0);
  const last = fresh[fresh.length - 1];
  if (!last) return null;
  const context = (handlers.prepare ? await handlers.prepare(fresh) : undefined) as Context;
  await inTransaction(target.pool, async (client) => {
    if (!target.durableCommit) await client.query("SET LOCAL synchronous_commit TO OFF");
    await compareAndSetCheckpoint(client, target.name, after, last.position);
    await handlers.apply(client, fresh, context);
  });
  return { position: last.position, events: fresh, context };
}
