import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type AppendExpectedRevision,
  type JSONType,
} from "@eventstore/db-client";
import {
  comparePositions,
  VersionConflictError,
  type NewEvent,
  type RecordedEvent,
} from "@second-brain/contracts";
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
} from "../event-store.ts";
import { openSubscriptions } from "../open-subscriptions.ts";
import { validateAppend } from "../validate-append.ts";
import { subscribeToLog } from "./eventstoredb-subscription.ts";
import {
  isSystemEvent,
  toLogPosition,
  toReadPosition,
  toRecordedEvent,
  type StoredEvent,
} from "./eventstoredb-events.ts";

export interface EventStoreDbEventStoreOptions {
  /** Pause after a failed subscription before subscribing again; default 500 ms. */
  retryDelayMs?: number;
}

/**
 * The event store on EventStoreDB. Retried appends are deduplicated by the server on event ids; an
 * append refused for its expected version is also checked against the stream, so a retry whose
 * expected version has gone stale still answers with the original result, as on PostgreSQL.
 */
export function createEventStoreDbEventStore(
  connectionString: string,
  options: EventStoreDbEventStoreOptions = {},
): EventStore {
  const client = EventStoreDBClient.connectionString(connectionString);
  const subscriptions = openSubscriptions();

  async function readStream(streamId: string, range: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = range.fromVersion ?? 1;
    const count = range.toVersion === undefined ? undefined : range.toVersion - from + 1;
    if (count !== undefined && count <= 0) return [];
    const events: RecordedEvent[] = [];
    try {
      const read = client.readStream(streamId, {
        fromRevision: BigInt(Math.max(from, 1) - 1),
        direction: FORWARDS,
        ...(count === undefined ? {} : { maxCount: count }),
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event as StoredEvent));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async function streamVersion(streamId: string): Promise<number> {
    try {
      for await (const resolved of client.readStream(streamId, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      })) {
        if (resolved.event) return Number(resolved.event.revision) + 1;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 0;
      throw error;
    }
    return 0;
  }

  /** The result of an identical earlier append at the versions this one asked for, if there is one. */
  async function findStoredAppend(
    streamId: string,
    events: NewEvent[],
    expected: number,
  ): Promise<AppendResult | null> {
    const stored = await readStream(streamId, {
      fromVersion: expected + 1,
      toVersion: expected + events.length,
    });
    const same = stored.length === events.length && stored.every((event, i) => event.id === events[i]!.id);
    const last = stored[stored.length - 1];
    return same && last
      ? { nextExpectedVersion: last.streamVersion, position: last.position, alreadyStored: true }
      : null;
  }

  async function appendToStream(
    streamId: string,
    events: NewEvent[],
    { expectedVersion }: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult> {
    validateAppend(events, expectedVersion);
    const expectedRevision: AppendExpectedRevision =
      expectedVersion === "any" ? ANY : expectedVersion === 0 ? NO_STREAM : BigInt(expectedVersion - 1);
    try {
      const result = await client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data as JSONType,
            metadata: event.metadata,
          }),
        ),
        { expectedRevision },
      );
      const nextExpectedVersion = Number(result.nextExpectedRevision) + 1;
      if (result.position) return { nextExpectedVersion, position: toLogPosition(result.position) };
      // A deduplicated write may come back without a position: take it from the stored events.
      const stored = await findStoredAppend(streamId, events, nextExpectedVersion - events.length);
      if (stored) return stored;
      throw new Error(`Append to ${streamId} succeeded but its events cannot be read back.`);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (typeof expectedVersion === "number") {
        const stored = await findStoredAppend(streamId, events, expectedVersion);
        if (stored) return stored;
      }
      const actual = error.actualVersion;
      throw new VersionConflictError(expectedVersion, actual === NO_STREAM ? 0 : Number(actual) + 1);
    }
  }

  async function readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let cursor = after;
    // Pages skip system events, so one page may hold fewer than `limit` of ours. A read starts at
    // its position inclusively, so each page skips what the previous one ended on.
    for (;;) {
      const pageStart = cursor;
      let seen = 0;
      for await (const resolved of client.readAll({
        fromPosition: toReadPosition(pageStart),
        maxCount: limit + 1,
      })) {
        seen += 1;
        const event = resolved.event as StoredEvent | undefined;
        if (!event?.position) continue;
        const position = toLogPosition(event.position);
        if (comparePositions(position, pageStart) <= 0) continue;
        cursor = position;
        if (isSystemEvent(event)) continue;
        events.push(toRecordedEvent(event));
        if (events.length === limit) return events;
      }
      if (seen < limit + 1) return events;
    }
  }

  return {
    appendToStream,
    readStream,
    streamVersion,
    readAll,
    subscribe(subscribeOptions) {
      const subscription = subscribeToLog(client, subscribeOptions, options.retryDelayMs ?? 500);
      return subscriptions.track(subscription);
    },
    async close() {
      await subscriptions.stopAll();
      await client.dispose();
    },
  };
}
