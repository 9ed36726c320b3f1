import { formatPosition, parsePosition, START_OF_LOG, type LogPosition } from "@second-brain/contracts";
import type { SqlClient, SqlPool } from "@second-brain/platform";

/**
 * Consumers' positions in the global log. The table is shared by every read model in a database
 * (each names its own row), created here too so this service does not depend on another's schema.
 */
export const CHECKPOINTS_DDL = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name text PRIMARY KEY,
    position text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;

/** Another instance moved the checkpoint since this one read it. */
export class CheckpointMovedError extends Error {
  constructor(name: string, expected: LogPosition) {
    super(`Checkpoint "${name}" is no longer at ${formatPosition(expected)}`);
    this.name = "CheckpointMovedError";
  }
}

export async function readCheckpoint(db: SqlPool | SqlClient, name: string): Promise<LogPosition> {
  const { rows } = await db.query<{ position: string }>(
    "SELECT position FROM projection_checkpoints WHERE name = $1",
    [name],
  );
  return rows[0] ? parsePosition(rows[0].position) : START_OF_LOG;
}

export async function ensureCheckpoint(db: SqlPool | SqlClient, name: string): Promise<void> {
  await db.query(
    "INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [name, formatPosition(START_OF_LOG)],
  );
}

/** Moves the checkpoint inside the caller's transaction; zero rows means someone else moved it. */
export async function compareAndSetCheckpoint(
  client: SqlClient,
  name: string,
  expected: LogPosition,
  next: LogPosition,
): Promise<void> {
  const result = await client.query(
    "UPDATE projection_checkpoints SET position = $3, updated_at = now() WHERE name = $1 AND position = $2",
    [name, formatPosition(expected), formatPosition(next)],
  );
  if (result.rowCount !== 1) throw new CheckpointMovedError(name, expected);
}
