import { randomBytes } from "node:crypto";
import { createPostgresEventStore, migrateEventStore, type EventStore } from "@second-brain/event-store";
import {
  createSqlKeyring,
  keyringMigrations,
  runMigrations,
  type Keyring,
  type SqlPool,
} from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "./database.ts";

/** A database of the suite's own holding the event log and the keyring, as every service sees them. */
export interface TestEventLog {
  database: TestDatabase;
  pool: SqlPool;
  store: EventStore;
  /** Uncached, so a key destroyed by a test is gone at once. */
  keyring: Keyring;
  /** Closes the store and drops the database. */
  close(): Promise<void>;
}

/**
 * Creates a database named after `prefix` with the event log and the keyring migrated. The store
 * polls and retries quickly, so subscriptions in tests catch up within milliseconds.
 */
export async function openTestEventLog(prefix: string): Promise<TestEventLog> {
  const database = await createTestDatabase(prefix);
  await migrateEventStore(database.pool);
  await runMigrations(database.pool, "keyring", keyringMigrations);
  const store = createPostgresEventStore(database.pool, { pollIntervalMs: 20, retryDelayMs: 50 });
  return {
    database,
    pool: database.pool,
    store,
    keyring: createSqlKeyring(database.pool, randomBytes(32), { cacheMilliseconds: 0 }),
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/** Polls `check` until it holds: read models and subscriptions catch up asynchronously. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
