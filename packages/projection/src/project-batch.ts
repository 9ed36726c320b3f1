import { comparePositions, USER_ERASED, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import { inTransaction, type SqlClient, type SqlPool } from "@second-brain/platform";
import { CHECKPOINTS_TABLE, compareAndSetCheckpoint } from "./checkpoints.ts";
import { recordParked } from "./parked-events.ts";

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
  /** The events past `after` outside parked streams, with what prepare gave; null when there were none. */
  applied: { events: readonly RecordedEvent[]; context: Context } | null;
  /** The events past `after` recorded as parked because their stream is. */
  parked: readonly RecordedEvent[];
  /** The consumer's parked streams as committed with this batch. */
  parkedStreams: ReadonlySet<string>;
}

export const PARKED_BEHIND = "not applied: an earlier event of this stream is parked";

/**
 * One batch, one transaction: the checkpoint moves from `after` to the batch's last position and
 * the rows change together, or neither does. The compare-and-set comes first so a second instance
 * waits on the checkpoint's row lock and then fails fast (CheckpointMovedError) instead of redoing
 * the work. Events of parked streams are recorded as parked instead of applied, in the same
 * transaction. `parkedStreams` is what the caller believes is parked (prepare must only see the
 * events it will apply); the compare-and-set returns the truth under the row lock, and when it
 * differs for a stream of this batch (another instance parked, or a retry unparked, meanwhile) the
 * batch rolls back and runs again with it. Returns null when the batch held nothing past `after`.
 */
export async function projectBatch<Context>(
  target: BatchTarget,
  handlers: BatchHandlers<Context>,
  after: LogPosition,
  events: readonly RecordedEvent[],
  parkedStreams: ReadonlySet<string> = new Set(),
): Promise<ProjectedBatch<Context> | null> {
  const fresh = events.filter((event) => comparePositions(event.position, after) > 0);
  const last = fresh[fresh.length - 1];
  if (!last) return null;
  // An erasure's purge reaches the disk before the batch counts as done: committed asynchronously,
  // a crash or a stop right after it would leave the erased owner's rows on disk until the batch
  // is read again at the next start.
  const durable = target.durableCommit === true || fresh.some((event) => event.type === USER_ERASED);
  let believed = parkedStreams;
  for (;;) {
    const toApply = fresh.filter((event) => !believed.has(event.streamId));
    const toPark = fresh.filter((event) => believed.has(event.streamId));
    const context = (
      toApply.length > 0 && handlers.prepare ? await handlers.prepare(toApply) : undefined
    ) as Context;
    const actual = await inTransaction(
      target.pool,
      async (client) => {
        const actual = await compareAndSetCheckpoint(client, target.name, after, last.position);
        if (fresh.some((event) => actual.has(event.streamId) !== believed.has(event.streamId))) {
          throw new ParkedStreamsChanged(actual);
        }
        await recordParked(
          client,
          target.name,
          toPark.map((event) => ({ event, error: PARKED_BEHIND })),
        );
        if (toApply.length > 0) await handlers.apply(client, toApply, context);
        return actual;
      },
      durable ? {} : { localSettings: { synchronous_commit: "off" } },
    ).catch((error: unknown) => {
      if (error instanceof ParkedStreamsChanged) return error;
      throw error;
    });
    if (actual instanceof ParkedStreamsChanged) {
      believed = actual.parkedStreams;
      continue;
    }
    return {
      position: last.position,
      applied: toApply.length > 0 ? { events: toApply, context } : null,
      parked: toPark,
      parkedStreams: actual,
    };
  }
}

/**
 * Parks `event`'s stream: moves the checkpoint from `after` to the event, records it with the
 * error, and adds its stream to the consumer's parked streams, in one transaction.
 */
export async function parkEvent(
  target: BatchTarget,
  after: LogPosition,
  event: RecordedEvent,
  error: string,
): Promise<ReadonlySet<string>> {
  return inTransaction(target.pool, async (client) => {
    const parked = await compareAndSetCheckpoint(client, target.name, after, event.position);
    await recordParked(client, target.name, [{ event, error }]);
    if (parked.has(event.streamId)) return parked;
    await client.query(
      `UPDATE ${CHECKPOINTS_TABLE} SET parked_streams = array_append(parked_streams, $2) WHERE name = $1`,
      [target.name, event.streamId],
    );
    return new Set([...parked, event.streamId]);
  });
}

/** The parked streams changed under the batch; it is rolled back and run again with these. */
class ParkedStreamsChanged extends Error {
  readonly parkedStreams: ReadonlySet<string>;
  constructor(parkedStreams: ReadonlySet<string>) {
    super("The consumer's parked streams changed while the batch was prepared.");
    this.name = "ParkedStreamsChanged";
    this.parkedStreams = parkedStreams;
  }
}
