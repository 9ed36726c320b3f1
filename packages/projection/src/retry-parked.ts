import type { RecordedEvent } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { inTransaction } from "@second-brain/platform";
import { CHECKPOINTS_TABLE } from "./checkpoints.ts";
import { listParkedEvents, PARKED_EVENTS_TABLE } from "./parked-events.ts";
import type { BatchHandlers, BatchTarget } from "./project-batch.ts";
import { describeError } from "./project-or-park.ts";

export type RetryOutcome<Context> =
  | { outcome: "not-parked" }
  | { outcome: "applied"; events: readonly RecordedEvent[]; context: Context }
  | { outcome: "failed"; parkedEvents: number; error: string };

/** Rounds of "the parked events changed while they were prepared" before giving up. */
const MAX_ROUNDS = 5;

/**
 * Re-applies a parked stream once its cause is fixed: its parked events, in version order, through
 * the consumer's own handlers (prepare outside the transaction, apply inside). The transaction
 * holds the checkpoint's row lock, so no batch of any instance runs meanwhile; it checks that the
 * parked events are still the ones prepared (a batch may have parked more in between: then it
 * prepares again). On success the events leave the parked table and the stream the parked list,
 * so the next batch applies the stream's new events; on failure everything stays parked.
 */
export async function retryParkedStream<Context>(
  target: BatchTarget,
  handlers: BatchHandlers<Context>,
  store: EventStore,
  streamId: string,
): Promise<RetryOutcome<Context>> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parked = await listParkedEvents(target.pool, target.name, streamId);
    if (parked.length === 0) return { outcome: "not-parked" };
    const ids = parked.map((entry) => entry.eventId);
    const byId = new Map((await store.readStream(streamId)).map((event) => [event.id, event]));
    const events = ids.map((id) => byId.get(id)).filter((event) => event !== undefined);
    try {
      const context = (handlers.prepare ? await handlers.prepare(events) : undefined) as Context;
      const applied = await inTransaction(target.pool, async (client) => {
        await client.query(`SELECT 1 FROM ${CHECKPOINTS_TABLE} WHERE name = $1 FOR UPDATE`, [target.name]);
        const { rows } = await client.query<{ event_id: string }>(
          `SELECT event_id FROM ${PARKED_EVENTS_TABLE} WHERE projection = $1 AND stream_id = $2
            ORDER BY stream_version`,
          [target.name, streamId],
        );
        if (rows.map((row) => row.event_id).join() !== ids.join()) return false;
        await handlers.apply(client, events, context);
        await client.query(`DELETE FROM ${PARKED_EVENTS_TABLE} WHERE projection = $1 AND stream_id = $2`, [
          target.name,
          streamId,
        ]);
        await client.query(
          `UPDATE ${CHECKPOINTS_TABLE} SET parked_streams = array_remove(parked_streams, $2) WHERE name = $1`,
          [target.name, streamId],
        );
        return true;
      });
      if (applied) return { outcome: "applied", events, context };
    } catch (error) {
      return { outcome: "failed", parkedEvents: ids.length, error: describeError(error) };
    }
  }
  throw new Error(`The parked events of stream "${streamId}" kept changing; retry again.`);
}
