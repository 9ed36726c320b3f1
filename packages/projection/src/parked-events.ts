import { formatPosition, type RecordedEvent } from "@second-brain/contracts";
import type { SqlClient, SqlPool } from "@second-brain/platform";

/** Events a consumer skipped because their stream is parked, one row per (consumer, event). */
export const PARKED_EVENTS_TABLE = "projection_parked_events";

const ERROR_TEXT_LIMIT = 2_000;

export interface ParkedEvent {
  projection: string;
  streamId: string;
  streamVersion: number;
  position: string;
  eventId: string;
  eventType: string;
  error: string;
  parkedAt: string;
}

export async function createParkedEventsTable(client: SqlClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${PARKED_EVENTS_TABLE} (
      projection text NOT NULL,
      stream_id text NOT NULL,
      stream_version integer NOT NULL,
      position text NOT NULL,
      event_id text NOT NULL,
      event_type text NOT NULL,
      error text NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, event_id)
    )`);
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${PARKED_EVENTS_TABLE}_by_stream
       ON ${PARKED_EVENTS_TABLE} (projection, stream_id, stream_version)`,
  );
}

/**
 * Records events as parked, on the batch transaction's client (the same transaction as the
 * checkpoint). A batch delivered twice records nothing new.
 */
export async function recordParked(
  client: SqlClient,
  projection: string,
  entries: readonly { event: RecordedEvent; error: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO ${PARKED_EVENTS_TABLE}
       (projection, stream_id, stream_version, position, event_id, event_type, error)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])
     ON CONFLICT (projection, event_id) DO NOTHING`,
    [
      projection,
      entries.map(({ event }) => event.streamId),
      entries.map(({ event }) => event.streamVersion),
      entries.map(({ event }) => formatPosition(event.position)),
      entries.map(({ event }) => event.id),
      entries.map(({ event }) => event.type),
      entries.map(({ error }) => storableText(error)),
    ],
  );
}

/** The consumer's parked events, stream by stream, each stream in version order. */
export async function listParkedEvents(
  db: SqlPool | SqlClient,
  projection: string,
  streamId?: string,
): Promise<ParkedEvent[]> {
  const { rows } = await db.query<ParkedRow>(
    `SELECT projection, stream_id, stream_version, position, event_id, event_type, error, parked_at
       FROM ${PARKED_EVENTS_TABLE}
      WHERE projection = $1 AND ($2::text IS NULL OR stream_id = $2)
      ORDER BY stream_id, stream_version`,
    [projection, streamId ?? null],
  );
  return rows.map((row) => ({
    projection: row.projection,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    position: row.position,
    eventId: row.event_id,
    eventType: row.event_type,
    error: row.error,
    parkedAt: new Date(row.parked_at).toISOString(),
  }));
}

/**
 * An error message can quote the very value that could not be stored (a NUL, a lone surrogate):
 * those are replaced so the record of the failure can itself always be stored.
 */
export function storableText(text: string): string {
  return text.replaceAll("\u0000", "\uFFFD").toWellFormed().slice(0, ERROR_TEXT_LIMIT);
}

interface ParkedRow {
  projection: string;
  stream_id: string;
  stream_version: number;
  position: string;
  event_id: string;
  event_type: string;
  error: string;
  parked_at: string | Date;
}
