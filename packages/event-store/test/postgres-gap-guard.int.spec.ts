import { expect } from "chai";
import type { SqlPool } from "@second-brain/platform";
// A relative import: @second-brain/testing depends on this package, so it is not one of its dependencies.
import { createTestDatabase, type TestDatabase } from "../../testing/src/index.ts";
import type { EventStore } from "../src/event-store.ts";
import { createPostgresEventStore, migrateEventStore } from "../src/index.ts";
import { appendOnClient } from "../src/postgres/append-events.ts";
import {
  markLogEnd,
  newEvent,
  newStreamId,
  recordingSubscriber,
  sleep,
  waitFor,
} from "./contract-helpers.ts";

describe("PostgreSQL event store — transactions in flight", function () {
  let database: TestDatabase;
  let store: EventStore;

  before(async () => {
    database = await createTestDatabase("sb_event_store");
    await migrateEventStore(database.pool);
    // A poll far longer than any test: subscribers here go on only through notices and the short poll
    // for held-back events (a rolled-back transaction sends no notice).
    store = createPostgresEventStore(database.pool, { listenUrl: database.url, pollIntervalMs: 60_000 });
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  /** Opens transaction A on its own client and appends in it without committing. */
  async function appendInOpenTransaction(streamId: string) {
    const client = await database.pool.connect();
    await client.query("BEGIN");
    const event = newEvent("InFlight");
    const result = await appendOnClient(client, streamId, [event], 0);
    let open = true;
    const finish = async (how: "COMMIT" | "ROLLBACK") => {
      if (!open) return;
      open = false;
      await client.query(how);
      client.release();
    };
    return { event, result, finish };
  }

  for (const outcome of ["COMMIT", "ROLLBACK"] as const) {
    it(`holds readers back while a lower position is in flight, then goes on after ${outcome}`, async () => {
      const start = await markLogEnd(store);
      const subscriber = recordingSubscriber(store, start);
      const a = await appendInOpenTransaction(newStreamId());
      try {
        const b = newEvent("Committed");
        const bResult = await store.appendToStream(newStreamId(), [b], { expectedVersion: 0 });
        expect(bResult.position.prepare > a.result.position.prepare, "A took the lower sequence").to.equal(
          true,
        );

        expect(await store.readAll({ after: start, limit: 10 })).to.deep.equal([]);
        await sleep(300);
        expect(subscriber.received, "nothing passes the open transaction").to.deep.equal([]);

        await a.finish(outcome);
        const expected = outcome === "COMMIT" ? [a.event.id, b.id] : [b.id];
        await waitFor(
          () => subscriber.received.length >= expected.length,
          "events after the transaction ended",
        );
        await sleep(100);
        expect(subscriber.received.map((e) => e.id)).to.deep.equal(expected);
        expect((await store.readAll({ after: start, limit: 10 })).map((e) => e.id)).to.deep.equal(expected);
      } finally {
        await a.finish("ROLLBACK");
        await subscriber.subscription.stop();
      }
    });
  }

  it("is not held back by a transaction that writes elsewhere and never appends", async () => {
    // A read model's batch transaction (or anything else on the server) holding a transaction id
    // must not stall the log's readers: only appends in flight can still add events behind them.
    const other = await database.pool.connect();
    try {
      await other.query("BEGIN");
      await other.query("CREATE TEMP TABLE busy (n int)");
      await other.query("INSERT INTO busy VALUES (1)"); // now it holds a transaction id
      const start = await markLogEnd(store);
      const event = newEvent();
      await store.appendToStream(newStreamId(), [event], { expectedVersion: 0 });
      const read = await store.readAll({ after: start, limit: 10 });
      expect(read.map((e) => e.id)).to.deep.equal([event.id]);
    } finally {
      await other.query("ROLLBACK").catch(() => undefined);
      other.release();
    }
  });

  it("appends atomically with the caller's transaction", async () => {
    const streamId = newStreamId();
    const client = await database.pool.connect();
    try {
      await client.query("BEGIN");
      await appendOnClient(client, streamId, [newEvent()], 0);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await store.streamVersion(streamId)).to.equal(0);
    expect(await store.readStream(streamId)).to.deep.equal([]);
  });

  it("wakes a subscriber on commit through LISTEN, without waiting for the poll", async () => {
    const listening = createPostgresEventStore(database.pool, {
      listenUrl: database.url,
      pollIntervalMs: 60_000,
    });
    try {
      const start = await markLogEnd(listening);
      const subscriber = recordingSubscriber(listening, start);
      await sleep(300); // the first read is done and the LISTEN connection is up
      await listening.appendToStream(newStreamId(), [newEvent()], { expectedVersion: 0 });
      // Well under the 60 s poll; not tighter, as any transaction on the server holds readers back.
      await waitFor(() => subscriber.received.length === 1, "the notified append", 10_000);
    } finally {
      await listening.close();
    }
  });

  it("reads each batch in one round trip, the gap guard and the held-back check included", async () => {
    const statements: string[] = [];
    const counted: SqlPool = {
      ...database.pool,
      query: (text, params) => {
        statements.push(text);
        return database.pool.query(text, params);
      },
    };
    const reader = createPostgresEventStore(counted, { listen: false, pollIntervalMs: 20 });
    const start = await markLogEnd(store);
    const a = await appendInOpenTransaction(newStreamId());
    try {
      const subscriber = recordingSubscriber(reader, start);
      const b = newEvent("Committed");
      await store.appendToStream(newStreamId(), [b], { expectedVersion: 0 });
      await sleep(200);
      expect(subscriber.received, "held back behind the open append").to.deep.equal([]);
      await a.finish("COMMIT");
      await waitFor(() => subscriber.received.length === 2, "both events");
      await subscriber.subscription.stop();
      expect(statements.length).to.be.greaterThan(2);
      expect(statements.filter((text) => !/\.read_log\(/.test(text))).to.deep.equal([]);
    } finally {
      await a.finish("ROLLBACK");
      await reader.close();
    }
  });

  it("reads again at once on wake()", async () => {
    const polling = createPostgresEventStore(database.pool, { listen: false, pollIntervalMs: 60_000 });
    try {
      const start = await markLogEnd(polling);
      const subscriber = recordingSubscriber(polling, start);
      await sleep(200);
      // Appended through another store, as another process would: nothing wakes the subscriber.
      const writer = createPostgresEventStore(database.pool, { listen: false });
      await writer.appendToStream(newStreamId(), [newEvent()], { expectedVersion: 0 });
      await writer.close();
      await sleep(200);
      expect(subscriber.received).to.deep.equal([]);
      subscriber.subscription.wake();
      await waitFor(() => subscriber.received.length === 1, "the woken read", 10_000);
    } finally {
      await polling.close();
    }
  });
});
