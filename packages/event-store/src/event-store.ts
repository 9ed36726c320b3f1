import type { LogPosition, NewEvent, RecordedEvent } from "@second-brain/contracts";

/**
 * The port every event store adapter implements (PostgreSQL, EventStoreDB, ...). Streams are
 * versioned from 1: a stream that does not exist has version 0, and its first event has version 1.
 */
export type ExpectedVersion = number | "any";

export interface AppendResult {
  /** The stream's version after the append (the version of its last event). */
  nextExpectedVersion: number;
  /** Position of the last appended event in the global log. */
  position: LogPosition;
  /**
   * True when these very events (same ids, same versions) were already stored by an earlier
   * attempt and nothing was appended now: the caller's copy of the data may differ from the
   * stored one (another timestamp), so it should answer from the stream. A store that cannot tell
   * (EventStoreDB deduplicating silently) leaves it out.
   */
  alreadyStored?: true;
}

export interface ReadStreamOptions {
  /** First version to return (inclusive), default 1. */
  fromVersion?: number;
  /** Last version to return (inclusive), default the end of the stream. */
  toVersion?: number;
}

export interface ReadAllOptions {
  /** Return only events strictly after this position. */
  after: LogPosition;
  limit: number;
}

export interface SubscribeOptions {
  /** Deliver only events strictly after this position (the subscriber's checkpoint). */
  after: LogPosition;
  /** Receives each batch in log order; the next batch is read only after it resolves. */
  handle: (events: RecordedEvent[]) => Promise<void>;
  /** Called when a batch handler or a read fails; the subscription retries after a pause. */
  onError?: (error: unknown) => void;
  batchSize?: number;
}

export interface Subscription {
  /** Reads again now instead of waiting for the next poll (e.g. on a broker notification). */
  wake(): void;
  /** Stops after the batch in hand; resolves when stopped. */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends atomically. Throws VersionConflictError when the stream's version is not
   * `expectedVersion`. Appending events whose ids are already stored in this stream at the same
   * versions (a retry after an unknown outcome) stores nothing and returns the original result.
   */
  appendToStream(
    streamId: string,
    events: NewEvent[],
    options: { expectedVersion: ExpectedVersion },
  ): Promise<AppendResult>;
  /** The stream's events in version order; [] when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The stream's current version; 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /**
   * Events of every stream in log order after `after`. Never returns an event while an event
   * with a lower position may still commit (no gaps for readers that checkpoint).
   */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to the global log from a checkpoint; it keeps up with new appends. */
  subscribe(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}
