import { formatPosition, parsePosition, START_OF_LOG, type LogPosition } from "@second-brain/contracts";
import { inTransaction, type SqlPool } from "@second-brain/platform";

export const CACHE_CHECKPOINT = "cache";

/** Another instance moved the checkpoint since this one read it. */
export class CheckpointMovedError extends Error {
  constructor(expected: LogPosition) {
    super(`Checkpoint "${CACHE_CHECKPOINT}" is no longer at ${formatPosition(expected)}`);
    this.name = "CheckpointMovedError";
  }
}

export async function readCacheCheckpoint(pool: SqlPool): Promise<LogPosition> {
  await pool.query(
    `INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    [CACHE_CHECKPOINT, formatPosition(START_OF_LOG)],
  );
  const { rows } = await pool.query<{ position: string }>(
    `SELECT position FROM projection_checkpoints WHERE name = $1`,
    [CACHE_CHECKPOINT],
  );
  return parsePosition(rows[0]!.position);
}

export async function moveCacheCheckpoint(
  pool: SqlPool,
  expected: LogPosition,
  next: LogPosition,
): Promise<void> {
  const result = await inTransaction(pool, async (client) => {
    // Losing this commit in a crash only means invalidating the same keys again: no need to wait
    // for the disk.
    await client.query("SET LOCAL synchronous_commit TO OFF");
    return client.query(
      `UPDATE projection_checkpoints SET position = $3, updated_at = now() WHERE name = $1 AND position = $2`,
      [CACHE_CHECKPOINT, formatPosition(expected), formatPosition(next)],
    );
  });
  if (result.rowCount !== 1) throw new CheckpointMovedError(expected);
}
