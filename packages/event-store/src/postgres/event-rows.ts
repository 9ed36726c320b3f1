import type { RecordedEvent } from "@second-brain/contracts";
import type { SqlClient } from "@second-brain/platform";

/** Anything that runs a query: a pool, or one client inside a caller's transaction. */
export type Queryable = Pick<SqlClient, "query">;

/**
 * 64-bit values travel as text, since a JavaScript number cannot hold every xid8 or bigserial value.
 * JSON travels as text too and is parsed here, so a payload that is itself a JSON string comes back
 * the same whichever driver (and whichever type parsers it was given) ran the query.
 */
export const EVENT_COLUMNS = `position::text AS position, transaction_id::text AS transaction_id, stream_id,
  stream_version, event_id::text AS event_id, type, data::text AS data, metadata::text AS metadata, recorded_at`;

export interface EventRow {
  position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: Date | string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as RecordedEvent["metadata"],
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.position) },
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
