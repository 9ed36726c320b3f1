import type { RecordedEvent } from "@second-brain/contracts";
import type { ReadAllOptions, ReadStreamOptions } from "../event-store.ts";
import { EVENT_COLUMNS, toRecordedEvent, type EventRow, type Queryable } from "./event-rows.ts";
import { READ_LOG_FUNCTION } from "./log-horizon.ts";
import { EVENT_STORE_SCHEMA } from "./schema.ts";

const MAX_VERSION = 2_147_483_647;

export async function readStreamEvents(
  db: Queryable,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${EVENT_STORE_SCHEMA}.events
      WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $3
      ORDER BY stream_version`,
    [streamId, options.fromVersion ?? 1, options.toVersion ?? MAX_VERSION],
  );
  return rows.map(toRecordedEvent);
}

export async function readStreamVersion(db: Queryable, streamId: string): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `SELECT version FROM ${EVENT_STORE_SCHEMA}.event_streams WHERE stream_id = $1`,
    [streamId],
  );
  return rows[0] ? Number(rows[0].version) : 0;
}

/** A read of the log: its events, and whether a short read left events held back for now. */
export interface LogRead {
  events: RecordedEvent[];
  /** After a short read: the log holds events after the last one read that could not be read yet. */
  heldBack: boolean;
}

/**
 * Reads the log after `after` in (transaction, position) order. On a PostgreSQL server the reader is
 * the `read_log` function (log-horizon.ts: the gap guard and the held-back check in one round trip).
 * `appendsMayBeInFlight` is false only where no transaction can be open while the read runs (PGlite:
 * pglitePool hands out one client at a time), so there is no horizon to find and nothing is ever
 * held back: a plain query does.
 */
export async function readLog(
  db: Queryable,
  options: ReadAllOptions,
  appendsMayBeInFlight = true,
): Promise<LogRead> {
  const params = [String(options.after.commit), String(options.after.prepare), options.limit];
  if (!appendsMayBeInFlight) {
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${EVENT_STORE_SCHEMA}.events
        WHERE (transaction_id, position) > ($1::text::xid8, $2::text::bigint)
        ORDER BY events.transaction_id, events.position
        LIMIT $3`,
      params,
      { prepare: true },
    );
    return { events: rows.map(toRecordedEvent), heldBack: false };
  }
  const { rows } = await db.query<EventRow & { held_back: boolean | null }>(
    `SELECT out_position AS position, out_transaction_id AS transaction_id, out_stream_id AS stream_id,
            out_stream_version AS stream_version, out_event_id AS event_id, out_type AS type,
            out_data AS data, out_metadata AS metadata, out_recorded_at AS recorded_at,
            out_held_back AS held_back
       FROM ${EVENT_STORE_SCHEMA}.${READ_LOG_FUNCTION}($1::text::xid8, $2::text::bigint, $3)`,
    params,
    { prepare: true },
  );
  const end = rows[rows.length - 1];
  const short = end !== undefined && end.position === null;
  return {
    events: (short ? rows.slice(0, -1) : rows).map(toRecordedEvent),
    heldBack: short && end.held_back === true,
  };
}
