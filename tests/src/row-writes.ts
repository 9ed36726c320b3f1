import type { SqlPool } from "@second-brain/platform";

/**
 * Records, with a trigger, every write of a row of the memories read model: the insert and every
 * update, except those that keep the version and change only what other streams own (the
 * attachments). A projection that applied an event twice (two instances both
 * applying one batch, or a replay past the checkpoint) writes the same (memory, version) twice,
 * even with identical values, or moves a row back; `rowWriteProblems` reports both.
 */
export async function recordRowWrites(pool: SqlPool): Promise<void> {
  await pool.query(`
    CREATE TABLE test_row_writes (seq bigserial PRIMARY KEY, id uuid NOT NULL, version int NOT NULL);
    CREATE FUNCTION test_record_row_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_row_writes (id, version) VALUES (NEW.id, NEW.version);
        RETURN NEW;
      END $$;
    CREATE TRIGGER test_row_inserted AFTER INSERT ON memories
      FOR EACH ROW EXECUTE FUNCTION test_record_row_write();
    CREATE TRIGGER test_row_updated AFTER UPDATE ON memories
      FOR EACH ROW WHEN (NOT (OLD.version = NEW.version AND OLD.attachments IS DISTINCT FROM NEW.attachments))
      EXECUTE FUNCTION test_record_row_write();
  `);
}

/** Every (memory, version) written more than once, and every write that moved a row back. */
export async function rowWriteProblems(pool: SqlPool): Promise<string[]> {
  const { rows: twice } = await pool.query<{ id: string; version: number; n: number }>(
    `SELECT id::text, version, count(*)::int AS n FROM test_row_writes
      GROUP BY id, version HAVING count(*) > 1`,
  );
  const { rows: back } = await pool.query<{ id: string; version: number; before: number }>(
    `SELECT id::text, version, before FROM (
       SELECT id, version, lag(version) OVER (PARTITION BY id ORDER BY seq) AS before FROM test_row_writes
     ) w WHERE before IS NOT NULL AND version <= before`,
  );
  return [
    ...twice.map((row) => `memory ${row.id} written at version ${row.version} ${row.n} times`),
    ...back.map((row) => `memory ${row.id} moved from version ${row.before} to ${row.version}`),
  ];
}

/**
 * Memory streams whose row is missing, or not at the stream's version. (Deleted memories keep no
 * row, so the caller's load should not delete.)
 */
export async function rowsBehindTheirStreams(pool: SqlPool): Promise<string[]> {
  const { rows } = await pool.query<{ stream_id: string; version: number; row_version: number | null }>(
    `SELECT s.stream_id, s.version, m.version AS row_version
       FROM event_store.event_streams s LEFT JOIN memories m ON s.stream_id = 'memory-' || m.id::text
      WHERE s.stream_id LIKE 'memory-%' AND (m.id IS NULL OR m.version <> s.version)`,
  );
  return rows.map((row) => `${row.stream_id} at version ${row.version}, its row at ${row.row_version}`);
}
