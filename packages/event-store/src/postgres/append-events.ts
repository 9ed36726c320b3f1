import { AlreadyExistsError, VersionConflictError, type NewEvent } from "@second-brain/contracts";
import type { AppendResult, ExpectedVersion } from "../event-store.ts";
import { validateAppend } from "../validate-append.ts";
import type { Queryable } from "./event-rows.ts";
import { readStreamVersion } from "./read-events.ts";
import { EVENT_STORE_SCHEMA, EVENTS_CHANNEL } from "./schema.ts";

/**
 * Appends on a client whose transaction the caller owns, so events can be written atomically with
 * other rows (an idempotency record, an outbox). The stream row is updated by compare-and-set, which
 * serialises concurrent writers of one stream on its row lock; the notification is delivered when
 * the caller commits.
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
  const stored = await findStoredAppend(client, streamId, events, expectedVersion);
  if (stored) return stored;
  const version = await claimVersions(client, streamId, events.length, expectedVersion);
  if (version === null) {
    // A concurrent copy of this very append may have won the compare-and-set we just lost.
    const storedMeanwhile = await findStoredAppend(client, streamId, events, expectedVersion);
    if (storedMeanwhile) return storedMeanwhile;
    throw new VersionConflictError(expectedVersion, await readStreamVersion(client, streamId));
  }
  const { rows } = await client.query<{ position: string; transaction_id: string; stream_version: number }>(
    `WITH inserted AS (
       INSERT INTO ${EVENT_STORE_SCHEMA}.events (stream_id, stream_version, event_id, type, data, metadata)
       SELECT $1, $2::int + e.ord::int, (e.value->>'id')::uuid, e.value->>'type', e.value->'data', e.value->'metadata'
         FROM jsonb_array_elements($3::text::jsonb) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.ord
       RETURNING position, transaction_id, stream_version
     )
     SELECT i.position::text AS position, i.transaction_id::text AS transaction_id, i.stream_version
       FROM inserted i CROSS JOIN (SELECT pg_notify('${EVENTS_CHANNEL}', '') AS notified) n
      ORDER BY i.stream_version DESC LIMIT 1`,
    [streamId, version - events.length, serializeEvents(events)],
  );
  const last = rows[0]!;
  return {
    nextExpectedVersion: version,
    position: { commit: BigInt(last.transaction_id), prepare: BigInt(last.position) },
  };
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
  };
}

/** Moves the stream's version on by `count` when it matches; null when it does not. */
async function claimVersions(
  client: Queryable,
  streamId: string,
  count: number,
  expectedVersion: ExpectedVersion,
): Promise<number | null> {
  const streams = `${EVENT_STORE_SCHEMA}.event_streams`;
  const { rows } =
    expectedVersion === "any"
      ? await client.query<{ version: number }>(
          `INSERT INTO ${streams} AS s (stream_id, version) VALUES ($1, $2)
           ON CONFLICT (stream_id) DO UPDATE SET version = s.version + EXCLUDED.version
           RETURNING version`,
          [streamId, count],
        )
      : expectedVersion === 0
        ? await client.query<{ version: number }>(
            `INSERT INTO ${streams} AS s (stream_id, version) VALUES ($1, $2)
             ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version WHERE s.version = 0
             RETURNING version`,
            [streamId, count],
          )
        : await client.query<{ version: number }>(
            `UPDATE ${streams} SET version = version + $2 WHERE stream_id = $1 AND version = $3 RETURNING version`,
            [streamId, count, expectedVersion],
          );
  return rows[0] ? Number(rows[0].version) : null;
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
