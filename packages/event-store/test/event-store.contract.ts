import { expect } from "chai";
import { VersionConflictError, type LogPosition } from "@second-brain/contracts";
import type { EventStore } from "../src/event-store.ts";
import {
  expectStrictlyIncreasing,
  markLogEnd,
  newEvent,
  newStreamId,
  readAllAfter,
  recordingSubscriber,
  sleep,
  waitFor,
} from "./contract-helpers.ts";

export interface EventStoreFixture {
  store: EventStore;
  dispose(): Promise<void>;
}

/** What every EventStore adapter must do. The suite shares one store; each test uses fresh streams. */
export function runEventStoreContract(name: string, open: () => Promise<EventStoreFixture>): void {
  describe(`${name} — event store contract`, function () {
    let fixture: EventStoreFixture | undefined;
    let store: EventStore;

    before(async function () {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => fixture?.dispose());

    async function conflictOf(promise: Promise<unknown>): Promise<VersionConflictError> {
      const error = await promise.then(
        () => expect.fail("expected a VersionConflictError"),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(VersionConflictError);
      return error as VersionConflictError;
    }

    it("round-trips data and metadata, versioned from 1", async () => {
      const streamId = newStreamId();
      const events = [
        newEvent("MemoryCreated", { title: "a", tags: ["x"], n: 1.5 }),
        newEvent("TagAdded", "x"),
      ];
      const result = await store.appendToStream(streamId, events, { expectedVersion: 0 });
      expect(result.nextExpectedVersion).to.equal(2);

      const read = await store.readStream(streamId);
      expect(read.map((e) => e.streamVersion)).to.deep.equal([1, 2]);
      read.forEach((recorded, i) => {
        expect(recorded).to.include({ id: events[i]!.id, type: events[i]!.type, streamId });
        expect(recorded.data).to.deep.equal(events[i]!.data);
        expect(recorded.metadata).to.deep.equal(events[i]!.metadata);
        expect(new Date(recorded.recordedAt).toISOString()).to.equal(recorded.recordedAt);
      });
      expect(read[1]!.position).to.deep.equal(result.position);
      expect(await store.streamVersion(streamId)).to.equal(2);
      expect(await store.readStream(streamId, { fromVersion: 2 })).to.have.length(1);
      expect((await store.readStream(streamId, { toVersion: 1 }))[0]!.id).to.equal(events[0]!.id);
    });

    it("answers an absent stream with version 0 and no events", async () => {
      expect(await store.streamVersion(newStreamId())).to.equal(0);
      expect(await store.readStream(newStreamId())).to.deep.equal([]);
    });

    it("refuses a stale expected version and tells the current one", async () => {
      const streamId = newStreamId();
      await store.appendToStream(streamId, [newEvent(), newEvent()], { expectedVersion: 0 });
      const stale = await conflictOf(store.appendToStream(streamId, [newEvent()], { expectedVersion: 1 }));
      expect(stale.status).to.equal(409);
      expect(stale.details).to.deep.include({ currentVersion: 2 });
      const exists = await conflictOf(store.appendToStream(streamId, [newEvent()], { expectedVersion: 0 }));
      expect(exists.details).to.deep.include({ currentVersion: 2 });
      const absent = await conflictOf(
        store.appendToStream(newStreamId(), [newEvent()], { expectedVersion: 3 }),
      );
      expect(absent.details).to.deep.include({ currentVersion: 0 });

      const any = await store.appendToStream(streamId, [newEvent()], { expectedVersion: "any" });
      expect(any.nextExpectedVersion).to.equal(3);
      expect(await store.streamVersion(streamId)).to.equal(3);
    });

    for (const start of [0, 1]) {
      it(`lets exactly one of 20 concurrent writers at version ${start} win`, async () => {
        const streamId = newStreamId();
        if (start > 0) await store.appendToStream(streamId, [newEvent()], { expectedVersion: 0 });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () =>
            store.appendToStream(streamId, [newEvent(), newEvent()], { expectedVersion: start }),
          ),
        );
        const won = outcomes.filter((o) => o.status === "fulfilled");
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
        expect(won).to.have.length(1);
        lost.forEach((o) => expect(o.reason).to.be.instanceOf(VersionConflictError));
        const versions = (await store.readStream(streamId)).map((e) => e.streamVersion);
        expect(versions).to.deep.equal(Array.from({ length: start + 2 }, (_, i) => i + 1));
      });
    }

    it("stores a retried append once and answers with the original result, even when stale", async () => {
      const streamId = newStreamId();
      const events = [newEvent(), newEvent()];
      const original = await store.appendToStream(streamId, events, { expectedVersion: 0 });
      expect(original.alreadyStored).to.equal(undefined);
      const retried = { ...original, alreadyStored: true };
      expect(await store.appendToStream(streamId, events, { expectedVersion: 0 })).to.deep.equal(retried);

      await store.appendToStream(streamId, [newEvent()], { expectedVersion: 2 });
      expect(await store.appendToStream(streamId, events, { expectedVersion: 0 })).to.deep.equal(retried);
      expect(await store.streamVersion(streamId)).to.equal(3);
      expect(await store.readStream(streamId)).to.have.length(3);
    });

    for (const expectedVersion of [1, "any"] as const) {
      it(`stores concurrent retries of one append once (expected version ${expectedVersion})`, async () => {
        const streamId = newStreamId();
        await store.appendToStream(streamId, [newEvent()], { expectedVersion: 0 });
        const events = [newEvent(), newEvent()];
        const results = await Promise.all(
          Array.from({ length: 8 }, () => store.appendToStream(streamId, events, { expectedVersion })),
        );
        const { alreadyStored: _, ...first } = results[0]!;
        results.forEach(({ alreadyStored: __, ...result }) => expect(result).to.deep.equal(first));
        // One attempt appended; the others were answered from it (EventStoreDB may not say so).
        expect(results.filter((result) => !result.alreadyStored)).to.have.length.of.at.least(1);
        expect(first.nextExpectedVersion).to.equal(3);
        expect((await store.readStream(streamId)).map((e) => e.id)).to.deep.equal([
          (await store.readStream(streamId, { toVersion: 1 }))[0]!.id,
          ...events.map((e) => e.id),
        ]);
      });
    }

    it("reads the whole log in append order and pages with `after`", async () => {
      const start = await markLogEnd(store);
      const [x, y] = [newStreamId(), newStreamId()];
      const appended = [newEvent(), newEvent(), newEvent(), newEvent(), newEvent()];
      await store.appendToStream(x, [appended[0]!], { expectedVersion: 0 });
      await store.appendToStream(y, [appended[1]!], { expectedVersion: 0 });
      const pair = await store.appendToStream(x, [appended[2]!, appended[3]!], { expectedVersion: 1 });
      await store.appendToStream(y, [appended[4]!], { expectedVersion: 1 });

      const all = await store.readAll({ after: start, limit: 100 });
      expect(all.map((e) => e.id)).to.deep.equal(appended.map((e) => e.id));
      expect(all.map((e) => `${e.streamId}@${e.streamVersion}`)).to.deep.equal([
        `${x}@1`,
        `${y}@1`,
        `${x}@2`,
        `${x}@3`,
        `${y}@2`,
      ]);
      expect(all[3]!.position).to.deep.equal(pair.position);
      expect(expectStrictlyIncreasing(all.map((e) => e.position))).to.equal(true);

      const paged = await readAllAfter(store, start, 2);
      expect(paged.map((e) => e.id)).to.deep.equal(all.map((e) => e.id));
      expect(await store.readAll({ after: all[4]!.position, limit: 10 })).to.deep.equal([]);
      expect((await store.readAll({ after: all[1]!.position, limit: 2 })).map((e) => e.id)).to.deep.equal([
        appended[2]!.id,
        appended[3]!.id,
      ]);
    });

    it("orders positions as numbers, not as text, across digit boundaries", async () => {
      const start = await markLogEnd(store);
      const stream = newStreamId();
      // 120 events in one append span positions whose decimal lengths differ (e.g. 98, 99, 100).
      const events = Array.from({ length: 120 }, () => newEvent());
      await store.appendToStream(stream, events, { expectedVersion: 0 });
      const read = await readAllAfter(store, start, 7);
      expect(read.map((e) => e.streamVersion)).to.deep.equal(events.map((_, i) => i + 1));
      expect(expectStrictlyIncreasing(read.map((e) => e.position))).to.equal(true);
    });

    it("delivers every event once, in order, from a checkpoint, and keeps up with new appends", async () => {
      const start = await markLogEnd(store);
      const streams = [newStreamId(), newStreamId(), newStreamId()];
      for (const streamId of streams) {
        await store.appendToStream(streamId, [newEvent(), newEvent()], { expectedVersion: 0 });
      }
      const subscriber = recordingSubscriber(store, start, { batchSize: 4 });
      await waitFor(() => subscriber.received.length >= 6, "the backlog");

      await Promise.all(
        streams.map(async (streamId) => {
          for (let version = 2; version < 6; version += 1) {
            await store.appendToStream(streamId, [newEvent()], { expectedVersion: version });
          }
        }),
      );
      await waitFor(() => subscriber.received.length >= 18, "the new appends");
      await sleep(150);
      const log = await readAllAfter(store, start);
      expect(subscriber.received.map((e) => e.id)).to.deep.equal(log.map((e) => e.id));
      expect(subscriber.errors).to.deep.equal([]);

      await subscriber.subscription.stop();
      await store.appendToStream(streams[0]!, [newEvent()], { expectedVersion: 6 });
      await sleep(300);
      expect(subscriber.received).to.have.length(18);
    });

    it("hands a failed batch again after reporting the error", async () => {
      const start = await markLogEnd(store);
      const streamId = newStreamId();
      await store.appendToStream(streamId, [newEvent(), newEvent(), newEvent()], { expectedVersion: 0 });
      const subscriber = recordingSubscriber(store, start, { failFirstBatch: true });
      try {
        await waitFor(() => subscriber.received.length >= 3, "the retried batch");
        expect(subscriber.errors).to.have.length(1);
        expect(subscriber.received.map((e) => e.streamVersion)).to.deep.equal([1, 2, 3]);
      } finally {
        await subscriber.subscription.stop();
      }
    });

    it("stop() resolves only after the batch in hand is handled", async () => {
      const start: LogPosition = await markLogEnd(store);
      await store.appendToStream(newStreamId(), [newEvent()], { expectedVersion: 0 });
      const subscriber = recordingSubscriber(store, start, { handleDelayMs: 300 });
      await waitFor(() => subscriber.started === 1, "the batch to be in hand");
      await subscriber.subscription.stop();
      expect(subscriber.batches).to.equal(1);
      await sleep(200);
      expect(subscriber.batches).to.equal(1);
    });
  });
}
