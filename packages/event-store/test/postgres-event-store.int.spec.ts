import { expect } from "chai";
import { openEmbeddedDatabase, type SqlPool } from "@second-brain/platform";
// A relative import: @second-brain/testing depends on this package, so it is not one of its dependencies.
import { createTestDatabase, type TestDatabase } from "../../testing/src/index.ts";
import { createPostgresEventStore, migrateEventStore } from "../src/index.ts";
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
