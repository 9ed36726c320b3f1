import { expect } from "chai";
import { openEmbeddedDatabase, type SqlPool } from "@second-brain/platform";
// A relative import: @second-brain/testing depends on this package, so it is not one of its dependencies.
import { createTestDatabase, type TestDatabase } from "../../testing/src/index.ts";
import { createPostgresEventStore, migrateEventStore } from "../src/index.ts";
import { newEvent } from "./contract-helpers.ts";
import { runEventStoreContract } from "./event-store.contract.ts";

runEventStoreContract("PostgreSQL (LISTEN/NOTIFY)", async () => {
  const database = await createTestDatabase("sb_event_store");
  await migrateEventStore(database.pool);
  const store = createPostgresEventStore(database.pool, { listenUrl: database.url, retryDelayMs: 100 });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});

runEventStoreContract("PostgreSQL (polling)", async () => {
  const database = await createTestDatabase("sb_event_store");
  await migrateEventStore(database.pool);
  const store = createPostgresEventStore(database.pool, { retryDelayMs: 100 });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});

runEventStoreContract("PGlite in memory", async () => {
  const pool = await openEmbeddedDatabase(undefined);
  await migrateEventStore(pool);
  const store = createPostgresEventStore(pool, { retryDelayMs: 100 });
  return {
    store,
    dispose: async () => {
      await store.close();
      await pool.end();
    },
  };
});

describe("PostgreSQL event store schema", function () {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase("sb_event_store");
  });
  after(async () => database?.drop());

  it("migrates idempotently when several processes migrate at once", async () => {
    await Promise.all([1, 2, 3, 4].map(() => migrateEventStore(database.pool)));
    await migrateEventStore(database.pool);
    const { rows } = await database.pool.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM information_schema.tables WHERE table_schema = 'event_store'`,
    );
    expect(rows[0]!.count).to.equal("2");
  });

  it("also migrates PGlite twice", async () => {
    const pool: SqlPool = await openEmbeddedDatabase(undefined);
    try {
      await migrateEventStore(pool);
      await migrateEventStore(pool);
    } finally {
      await pool.end();
    }
  });
});

// PGlite runs one transaction at a time, so a subscriber's read there needs no gap guard: each
// batch costs one query, with no probe of the append lock and no held-back check after it.
describe("PGlite event store reads", function () {
  this.timeout(30_000);

  it("hand each batch to a subscriber with one query, and every event once, in order", async () => {
    const pool = await openEmbeddedDatabase(undefined);
    const statements: string[] = [];
    const counted: SqlPool = {
      ...pool,
      query: (text, params) => {
        statements.push(text);
        return pool.query(text, params);
      },
    };
    try {
      await migrateEventStore(pool);
      const store = createPostgresEventStore(counted, { pollIntervalMs: 50 });
      const seen: string[] = [];
      const appended: string[] = [];
      const byWriter = new Map<string, number>();
      const subscription = store.subscribe({
        after: { commit: 0n, prepare: 0n },
        batchSize: 5,
        handle: async (events) => {
          seen.push(...events.map((event) => event.id));
        },
      });
      await Promise.all(
        Array.from({ length: 4 }, async (_, writer) => {
          for (let i = 0; i < 6; i++) {
            const event = newEvent("Noted", { writer, i });
            await store.appendToStream(`s-${writer}`, [event], { expectedVersion: i });
            appended.push(event.id);
            byWriter.set(event.id, writer);
          }
        }),
      );
      while (seen.length < appended.length) await new Promise((resolve) => setTimeout(resolve, 20));
      await subscription.stop();
      await store.close();
      expect(seen).to.have.members(appended).and.to.have.length(appended.length);
      // Each writer's events in the order it appended them.
      for (let writer = 0; writer < 4; writer++) {
        const own = (ids: string[]) => ids.filter((id) => byWriter.get(id) === writer);
        expect(own(seen)).to.deep.equal(own(appended));
      }
      expect(statements.filter((text) => /pg_locks|SELECT EXISTS/.test(text))).to.deep.equal([]);
    } finally {
      await pool.end();
    }
  });
});
