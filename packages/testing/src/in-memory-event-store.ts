import { VersionConflictError, type NewEvent, type RecordedEvent } from "@second-brain/contracts";
import type { AppendResult, EventStore, ExpectedVersion } from "@second-brain/event-store";

/**
 * The smallest EventStore that keeps the port's promises the memory service relies on: versions
 * from 1, expected-version checks, and an identical retry (same ids, same versions) stored once.
 * Every call yields to the event loop first, so concurrent callers really interleave.
 */
export interface InMemoryEventStore extends EventStore {
  readonly log: RecordedEvent[];
}

export function createInMemoryEventStore(): InMemoryEventStore {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const positionOf = (index: number) => ({ commit: 1n, prepare: BigInt(index + 1) });

  return {
    log,
    async appendToStream(
      streamId: string,
      events: NewEvent[],
      { expectedVersion }: { expectedVersion: ExpectedVersion },
    ): Promise<AppendResult> {
      await tick();
      const stream = streams.get(streamId) ?? [];
      const stored = stream.filter((event) => events.some((e) => e.id === event.id));
      if (
        stored.length === events.length &&
        stored[0]?.streamVersion ===
          (expectedVersion === "any" ? stored[0]?.streamVersion : expectedVersion + 1)
      ) {
        const last = stored[stored.length - 1]!;
        return { nextExpectedVersion: last.streamVersion, position: last.position, alreadyStored: true };
      }
      if (expectedVersion !== "any" && expectedVersion !== stream.length) {
        throw new VersionConflictError(expectedVersion, stream.length);
      }
      for (const event of events) {
        const recorded: RecordedEvent = {
          ...structuredClone(event),
          streamId,
          streamVersion: stream.length + 1,
          position: positionOf(log.length),
          recordedAt: new Date().toISOString(),
        };
        stream.push(recorded);
        log.push(recorded);
      }
      streams.set(streamId, stream);
      return { nextExpectedVersion: stream.length, position: stream[stream.length - 1]!.position };
    },
    async readStream(streamId, options = {}) {
      await tick();
      const from = options.fromVersion ?? 1;
      const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
      return structuredClone(
        (streams.get(streamId) ?? []).filter((e) => e.streamVersion >= from && e.streamVersion <= to),
      );
    },
    async streamVersion(streamId) {
      await tick();
      return streams.get(streamId)?.length ?? 0;
    },
    async readAll() {
      throw new Error("readAll is not part of this fake");
    },
    subscribe() {
      throw new Error("subscribe is not part of this fake");
    },
    async close() {},
  };
}
