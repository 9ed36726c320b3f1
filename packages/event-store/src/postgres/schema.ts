import { inTransaction, type SqlPool } from "@second-brain/platform";
import { readLogFunctionSql } from "./log-horizon.ts";

/** The schema that holds the log, kept apart from read models that share the database. */
export const EVENT_STORE_SCHEMA = "event_store";
/** The channel appends notify on commit, so idle subscribers wake without waiting for a poll. */
export const EVENTS_CHANNEL = "sb_events";

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_340_021_117;

/**
 * Creates the log's tables when missing. Several processes may start at once and run this together:
 * the advisory lock makes them take turns, so none trips over a half-created table.
 *
 * The log is ordered by (transaction_id, position), not by position alone: positions are taken from a
 * sequence before commit, so a transaction holding a lower one can commit after a higher one. Readers
 * stop below the oldest transaction still in flight, which keeps them from ever passing a gap that
 * could still be filled.
 */
export async function migrateEventStore(pool: SqlPool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Waiting for the lock and building indexes may take longer than a request's statement timeout.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${EVENT_STORE_SCHEMA}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${EVENT_STORE_SCHEMA}.event_streams (
        stream_id text PRIMARY KEY,
        version integer NOT NULL CHECK (version >= 0)
      )`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${EVENT_STORE_SCHEMA}.events (
        position bigserial PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_version integer NOT NULL CHECK (stream_version >= 1),
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (stream_id, stream_version)
      )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS events_log_order ON ${EVENT_STORE_SCHEMA}.events (transaction_id, position)`,
    );
    // Replaced on every start, so a new release's reader comes with the release (a release that
    // changes its columns must give it a new name: CREATE OR REPLACE keeps a function's result type).
    await client.query(readLogFunctionSql(EVENT_STORE_SCHEMA));
  });
}
