import type { LogPosition, RecordedEvent } from "@second-brain/contracts";
import type { ReadAllOptions, ReadStreamOptions } from "../event-store.ts";
import { EVENT_COLUMNS, toRecordedEvent, type EventRow, type Queryable } from "./event-rows.ts";
import { horizonSql, probeAppenders } from "./log-horizon.ts";
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

/**
 * The gap guard (see log-horizon.ts): only events of transactions below the oldest append still in
 * flight are read. Every append below that horizon has committed or rolled back, so nothing can
 * appear later behind a position a reader has already passed. `appendsMayBeInFlight` is false only
 * where no transaction can be open while the read runs (PGlite: pglitePool hands out one client at
 * a time), so there is no horizon to find and the probe's query is saved.
 */
export async function readAllEvents(
  db: Queryable,
  options: ReadAllOptions,
  appendsMayBeInFlight = true,
): Promise<RecordedEvent[]> {
  const after = [String(options.after.commit), String(options.after.prepare), options.limit];
  const probe = appendsMayBeInFlight ? await probeAppenders(db) : undefined;
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${EVENT_STORE_SCHEMA}.events
      WHERE (transaction_id, position) > ($1::text::xid8, $2::text::bigint)
        ${probe ? `AND transaction_id < ${horizonSql("$4", "$5")}` : ""}
      ORDER BY events.transaction_id, events.position
      LIMIT $3`,
    probe ? [...after, probe.nextXid, probe.appenders] : after,
  );
  return rows.map(toRecordedEvent);
}

/**
 * Whether the log holds anything after `after`, read or not. Asked right after a read came back
 * short: anything there was held back by an append in flight (or committed just after the read),
 * so the subscriber polls again soon. Asking for "held back by the horizon now" instead would race:
 * an append committing between the read and this check would leave its events unread until the
 * next full poll, and a transaction appending through `appendOnClient` sends no notification.
 */
export async function hasEventsHeldBack(db: Queryable, after: LogPosition): Promise<boolean> {
  const { rows } = await db.query<{ held_back: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM ${EVENT_STORE_SCHEMA}.events
        WHERE (transaction_id, position) > ($1::text::xid8, $2::text::bigint)
     ) AS held_back`,
    [String(after.commit), String(after.prepare)],
  );
  return rows[0]?.held_back === true;
}
