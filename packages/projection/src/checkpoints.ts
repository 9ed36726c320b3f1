import { formatPosition, parsePosition, START_OF_LOG, type LogPosition } from "@second-brain/contracts";
import { runMigrations, type Migration, type SqlClient, type SqlPool } from "@second-brain/platform";
import { createParkedEventsTable, PARKED_EVENTS_TABLE } from "./parked-events.ts";

/** Consumers' positions in the global log, one row per consumer, shared by every read model of a database. */
export const CHECKPOINTS_TABLE = "projection_checkpoints";

/** Another instance (or a rebuild) moved the checkpoint since this one read it. */
export class CheckpointMovedError extends Error {
  constructor(name: string, expected: LogPosition) {
    super(`Checkpoint "${name}" is no longer at ${formatPosition(expected)}`);
    this.name = "CheckpointMovedError";
  }
}

/**
 * Creates the shared tables if they are missing, or brings them to the current shape. Each read
 * model calls this from its own migration, so none depends on another's schema; the migrations'
 * advisory lock keeps concurrent creates apart. `parked_streams` lives on the checkpoint row so the
 * compare-and-set that every batch runs anyway also tells it which streams are parked.
 */
export async function createCheckpointsTable(client: SqlClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (
      name text PRIMARY KEY,
      position text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await client.query(
    `ALTER TABLE ${CHECKPOINTS_TABLE} ADD COLUMN IF NOT EXISTS parked_streams text[] NOT NULL DEFAULT '{}'`,
  );
  await createParkedEventsTable(client);
}

/** Brings the shared tables to the current shape for read models whose own migrations ran before it changed. */
export const projectionMigrations: Migration[] = [
  {
    name: "2026_12_02_0001_park_poison_events",
    up: createCheckpointsTable,
    down: async (client) => {
      await client.query(`DROP TABLE IF EXISTS ${PARKED_EVENTS_TABLE}`);
      await client.query(`ALTER TABLE ${CHECKPOINTS_TABLE} DROP COLUMN IF EXISTS parked_streams`);
    },
  },
];

export async function migrateProjectionTables(pool: SqlPool): Promise<void> {
  await runMigrations(pool, "projection", projectionMigrations);
}

export async function readCheckpoint(db: SqlPool | SqlClient, name: string): Promise<LogPosition> {
  const { rows } = await db.query<{ position: string }>(
    `SELECT position FROM ${CHECKPOINTS_TABLE} WHERE name = $1`,
    [name],
  );
  return rows[0] ? parsePosition(rows[0].position) : START_OF_LOG;
}

/** Creates the checkpoint at the start of the log unless it exists, so compare-and-set always has a row. */
export async function ensureCheckpoint(db: SqlPool | SqlClient, name: string): Promise<void> {
  await db.query(
    `INSERT INTO ${CHECKPOINTS_TABLE} (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    [name, formatPosition(START_OF_LOG)],
  );
}

/**
 * Moves the checkpoint from `expected` to `next`, inside the caller's transaction. Zero rows means
 * someone else moved it: the caller's transaction must roll back and start again from the stored one.
 * Returns the consumer's parked streams as the row stands under its lock (after any parking or
 * retry that committed while this one waited), so a batch learns them without another round trip.
 */
export async function compareAndSetCheckpoint(
  client: SqlClient,
  name: string,
  expected: LogPosition,
  next: LogPosition,
): Promise<ReadonlySet<string>> {
  const result = await client.query<{ parked_streams: string[] }>(
    `UPDATE ${CHECKPOINTS_TABLE} SET position = $3, updated_at = now() WHERE name = $1 AND position = $2
     RETURNING parked_streams`,
    [name, formatPosition(expected), formatPosition(next)],
    { prepare: true },
  );
  if (result.rowCount !== 1 || !result.rows[0]) throw new CheckpointMovedError(name, expected);
  return new Set(result.rows[0].parked_streams);
}

/** Sets the checkpoint regardless of where it was (a rebuild's swap, under its own lock). */
export async function setCheckpoint(client: SqlClient, name: string, position: LogPosition): Promise<void> {
  await client.query(
    `INSERT INTO ${CHECKPOINTS_TABLE} (name, position) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [name, formatPosition(position)],
  );
}

/** How many streams the consumer has parked (the checkpoint row's list). */
export async function countParkedStreams(db: SqlPool | SqlClient, projection: string): Promise<number> {
  const { rows } = await db.query<{ parked: number }>(
    `SELECT cardinality(parked_streams) AS parked FROM ${CHECKPOINTS_TABLE} WHERE name = $1`,
    [projection],
  );
  return Number(rows[0]?.parked ?? 0);
}

/** The streams the consumer has parked, as the checkpoint row lists them. */
export async function readParkedStreams(db: SqlPool | SqlClient, name: string): Promise<Set<string>> {
  const { rows } = await db.query<{ parked_streams: string[] }>(
    `SELECT parked_streams FROM ${CHECKPOINTS_TABLE} WHERE name = $1`,
    [name],
  );
  return new Set(rows[0]?.parked_streams ?? []);
}
