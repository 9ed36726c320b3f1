import { AlreadyExistsError, VersionConflictError, type NewEvent } from "@second-brain/contracts";
import type { AppendResult, ExpectedVersion } from "../event-store.ts";
import { validateAppend } from "../validate-append.ts";
import type { Queryable } from "./event-rows.ts";
import { readStreamVersion } from "./read-events.ts";
import { TAKE_APPEND_LOCK_SQL } from "./log-horizon.ts";
import { EVENT_STORE_SCHEMA, EVENTS_CHANNEL } from "./schema.ts";

/**
 * Appends in one statement on `client`. The stream row is updated by compare-and-set, which
 * serialises concurrent writers of one stream on its row lock.
 *
 * Only for an append that is its transaction's first write: the gap guard lets readers wait for
 * transactions holding the append lock, so a transaction that wrote other rows first would hold a
 * transaction id from before it took the lock, and a reader could pass it. That is why this is not
 * exported from the package (tests import it from this file to hold an append open on purpose).
 *
 * No NOTIFY is sent here: PostgreSQL takes a database-wide lock when a transaction with a pending
 * NOTIFY commits and keeps it until the commit is flushed to disk, which would queue the commits of
 * all concurrent appends behind one another. `appendNotifier` wakes subscribers after the commit
 * instead.
 *
 * A retry racing its own original can still fail on the event id's unique index, which aborts the
 * caller's transaction; `appendToStream` of the PostgreSQL store handles that case by looking the
 * stored append up again with `findStoredAppend`.
 */
export async function appendOnClient(
  client: Queryable,
  streamId: string,
  events: NewEvent[],
  expectedVersion: ExpectedVersion,
): Promise<AppendResult> {
  validateAppend(events, expectedVersion);
  // One statement claims the versions and inserts the events, so an append costs one round trip
  // and is atomic even outside a transaction. A lost compare-and-set claims nothing and so inserts
  // nothing.
  const { rows } = await client.query<{ version: number; position: string; transaction_id: string }>(
    `WITH append_lock AS (${TAKE_APPEND_LOCK_SQL}),
     claimed AS (${claimStatement(expectedVersion)}),
     inserted AS (
       INSERT INTO ${EVENT_STORE_SCHEMA}.events (stream_id, stream_version, event_id, type, data, metadata)
       SELECT $1, c.version - $2::int + e.ord::int, (e.value->>'id')::uuid, e.value->>'type',
              e.value->'data', e.value->'metadata'
         FROM claimed c, jsonb_array_elements($3::text::jsonb) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.ord
       RETURNING position, transaction_id, stream_version
     )
     SELECT c.version, i.position::text AS position, i.transaction_id::text AS transaction_id
       FROM claimed c
       JOIN LATERAL (SELECT * FROM inserted ORDER BY stream_version DESC LIMIT 1) i ON true`,
    [
      streamId,
      events.length,
      serializeEvents(events),
      ...(typeof expectedVersion === "number" && expectedVersion > 0 ? [expectedVersion] : []),
    ],
    { prepare: true },
  );
  const appended = rows[0];
  if (appended) {
    return {
      nextExpectedVersion: Number(appended.version),
      position: { commit: BigInt(appended.transaction_id), prepare: BigInt(appended.position) },
    };
  }
  // The compare-and-set was lost: either this very append was stored before (a retry after an
  // unknown outcome), or another writer moved the stream on.
  const stored = await findStoredAppend(client, streamId, events, expectedVersion);
  if (stored) return stored;
  throw new VersionConflictError(expectedVersion, await readStreamVersion(client, streamId));
}

/**
 * The result of an earlier, identical append (same ids, in this stream, at the versions this append
 * would have given them), or null when none of the ids is stored. Ids stored anywhere else are a
 * different write reusing them, which is refused.
 */
export async function findStoredAppend(
  db: Queryable,
  streamId: string,
  events: NewEvent[],
  expectedVersion: ExpectedVersion,
): Promise<AppendResult | null> {
  const { rows } = await db.query<{
    event_id: string;
    stream_id: string;
    stream_version: number;
    position: string;
    transaction_id: string;
  }>(
    `SELECT event_id::text AS event_id, stream_id, stream_version, position::text AS position,
            transaction_id::text AS transaction_id
       FROM ${EVENT_STORE_SCHEMA}.events WHERE event_id = ANY($1::text[]::uuid[])`,
    [events.map((event) => event.id)],
  );
  if (rows.length === 0) return null;
  const byId = new Map(rows.map((row) => [row.event_id.toLowerCase(), row]));
  const stored = events.map((event) => byId.get(event.id.toLowerCase()));
  const first = stored[0];
  const isSameAppend =
    first !== undefined &&
    (expectedVersion === "any" || Number(first.stream_version) === expectedVersion + 1) &&
    stored.every(
      (row, index) =>
        row !== undefined &&
        row.stream_id === streamId &&
        Number(row.stream_version) === Number(first.stream_version) + index,
    );
  if (!isSameAppend) {
    throw new AlreadyExistsError(
      `Some of these event ids are already stored by another append to ${streamId}.`,
    );
  }
  const last = stored[stored.length - 1]!;
  return {
    nextExpectedVersion: Number(last.stream_version),
    position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.position) },
    alreadyStored: true,
  };
}

/**
 * The compare-and-set on the stream's version; returns the new version, or no row when it is lost.
 * It reads from `append_lock`, so the append lock is held before the transaction takes its id.
 */
function claimStatement(expectedVersion: ExpectedVersion): string {
  const streams = `${EVENT_STORE_SCHEMA}.event_streams`;
  if (expectedVersion === "any") {
    return `INSERT INTO ${streams} AS s (stream_id, version) SELECT $1, $2 FROM append_lock
            ON CONFLICT (stream_id) DO UPDATE SET version = s.version + EXCLUDED.version
            RETURNING version`;
  }
  if (expectedVersion === 0) {
    return `INSERT INTO ${streams} AS s (stream_id, version) SELECT $1, $2 FROM append_lock
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version WHERE s.version = 0
            RETURNING version`;
  }
  return `UPDATE ${streams} SET version = version + $2 FROM append_lock
          WHERE stream_id = $1 AND version = $4 RETURNING version`;
}

function serializeEvents(events: NewEvent[]): string {
  return JSON.stringify(
    events.map((event) => ({
      id: event.id,
      type: event.type,
      data: event.data ?? null,
      metadata: event.metadata,
    })),
  );
}

/** True for PostgreSQL's unique_violation, whichever driver raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

/**
 * Tells LISTENing subscribers that the log grew. A NOTIFY on its own writes no WAL, so it holds the
 * notification lock only briefly. Calls made while one is in flight are folded into one more.
 */
export function appendNotifier(db: Queryable): () => void {
  let inFlight = false;
  let again = false;
  const send = (): void => {
    inFlight = true;
    again = false;
    db.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`).then(
      () => {
        inFlight = false;
        if (again) send();
      },
      () => {
        inFlight = false; // subscribers still poll; a lost notice only delays them
      },
    );
  };
  return () => {
    if (inFlight) again = true;
    else send();
  };
}
