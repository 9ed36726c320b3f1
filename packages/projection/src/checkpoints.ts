import { formatPosition, parsePosition, START_OF_LOG, type LogPosition } from "@second-brain/contracts";
import type { SqlClient, SqlPool } from "@second-brain/platform";

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
 * Creates the shared table if it is missing. Each read model calls this from its own migration, so
 * none depends on another's schema; the migrations' advisory lock keeps concurrent creates apart.
 */
export async function createCheckpointsTable(client: SqlClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${CHECKPOINTS_TABLE} (
      name text PRIMARY KEY,
      position text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
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
 */
export async function compareAndSetCheckpoint(
  client: SqlClient,
  name: string,
  expected: LogPosition,
  next: LogPosition,
): Promise<void> {
  const result = await client.query(
    `UPDATE ${CHECKPOINTS_TABLE} SET position = $3, updated_at = now() WHERE name = $1 AND position = $2`,
    [name, formatPosition(expected), formatPosition(next)],
  );
  if (result.rowCount !== 1) throw new CheckpointMovedError(name, expected);
}

/** Sets the checkpoint regardless of where it was (a rebuild's swap, under its own lock). */
export async function setCheckpoint(client: SqlClient, name: string, position: LogPosition): Promise<void> {
  await client.query(
    `INSERT INTO ${CHECKPOINTS_TABLE} (name, position) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [name, formatPosition(position)],
  );
}
