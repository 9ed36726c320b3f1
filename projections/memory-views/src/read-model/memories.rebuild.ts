import { formatPosition, START_OF_LOG, type LogPosition } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import {
  createLogger,
  inTransaction,
  type Keyring,
  type SqlClient,
  type SqlPool,
} from "@second-brain/platform";
import {
  CHECKPOINTS_TABLE,
  ensureCheckpoint,
  migrateProjectionTables,
  PARKED_EVENTS_TABLE,
  projectOrPark,
  setCheckpoint,
  type ConsumerState,
} from "@second-brain/projection";
import { memoriesBatchHandlers, type ProjectionLogger } from "./memories.apply.ts";
import { MEMORIES_CHECKPOINT, MEMORIES_TABLE } from "./memories.table.ts";
import { usageTableOf } from "./memories.usage.ts";

export interface RebuildMemoriesOptions {
  pool: SqlPool;
  store: EventStore;
  keyring: Keyring;
  logger?: ProjectionLogger;
  batchSize?: number;
  /** Log progress every this many events. */
  progressEvery?: number;
}

export interface RebuildResult {
  events: number;
  position: LogPosition;
  seconds: number;
}

/**
 * Blue/green rebuild: replays the whole log into a fresh table next to the live one, then swaps it
 * in and moves the checkpoint in one transaction. Readers see the old table until the swap and the
 * new one after; a running projection finds its checkpoint moved and resumes from the rebuild's
 * position on the new table. The owners' usage (memories.usage.ts) is counted afresh the same way,
 * in a copy of its table swapped in with the memories. If the rebuild fails, the live tables are
 * untouched.
 *
 * The replay parks like the live projection (under a checkpoint of its own), so an event no
 * table can store does not make every rebuild fail; the swap makes the rebuild's parked streams
 * the live ones, since they describe the table swapped in.
 */
export async function rebuildMemories(options: RebuildMemoriesOptions): Promise<RebuildResult> {
  const { pool, store, keyring } = options;
  const logger = options.logger ?? createLogger("memory-views");
  const batchSize = options.batchSize ?? 500;
  const progressEvery = options.progressEvery ?? 10_000;
  const table = `${MEMORIES_TABLE}_rebuild_${Date.now()}`;
  const checkpoint = `${MEMORIES_CHECKPOINT}:${table}`;
  const started = Date.now();
  await pool.query(`CREATE TABLE ${table} (LIKE ${MEMORIES_TABLE} INCLUDING ALL)`);
  const usage = usageTableOf(table);
  await pool.query(`CREATE TABLE ${usage} (LIKE ${usageTableOf(MEMORIES_TABLE)} INCLUDING ALL)`);
  await migrateProjectionTables(pool);
  await ensureCheckpoint(pool, checkpoint);
  logger.info("memories rebuild started", { table });
  const handlers = memoriesBatchHandlers({ pool, keyring, table, checkpoint, logger });
  const state: ConsumerState = { position: START_OF_LOG, parkedStreams: new Set() };
  const hooks = {
    committed: async () => undefined,
    parked: (event: { streamId: string; id: string }, error: string) =>
      logger.warn("memories rebuild parked a stream", { streamId: event.streamId, eventId: event.id, error }),
  };
  let events = 0;
  let nextReport = progressEvery;
  try {
    for (;;) {
      const batch = await store.readAll({ after: state.position, limit: batchSize });
      if (batch.length === 0) break;
      await projectOrPark({ pool, name: checkpoint }, handlers, state, batch, hooks);
      events += batch.length;
      if (events >= nextReport) {
        nextReport += progressEvery;
        const seconds = (Date.now() - started) / 1000;
        logger.info("memories rebuild progress", {
          events,
          eventsPerSecond: Math.round(events / Math.max(seconds, 0.001)),
          position: formatPosition(state.position),
        });
      }
    }
    await inTransaction(pool, (client) => swapIn(client, table, checkpoint, state.position));
  } catch (error) {
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool.query(`DROP TABLE IF EXISTS ${usage}`).catch(() => undefined);
    await forgetCheckpoint(pool, checkpoint).catch(() => undefined);
    throw error;
  }
  const position = state.position;
  const seconds = (Date.now() - started) / 1000;
  logger.info("memories rebuild swapped in", { events, seconds, position: formatPosition(position) });
  return { events, position, seconds };
}

/**
 * Locks in the same order as the live projection (checkpoint row first, then the table) so the two
 * queue behind each other instead of deadlocking.
 */
async function swapIn(
  client: SqlClient,
  table: string,
  checkpoint: string,
  position: LogPosition,
): Promise<void> {
  await client.query(`SELECT position FROM ${CHECKPOINTS_TABLE} WHERE name = $1 FOR UPDATE`, [
    MEMORIES_CHECKPOINT,
  ]);
  await client.query(`LOCK TABLE ${MEMORIES_TABLE} IN ACCESS EXCLUSIVE MODE`);
  await replaceTable(client, MEMORIES_TABLE, table);
  await replaceTable(client, usageTableOf(MEMORIES_TABLE), usageTableOf(table));
  await client.query(`DELETE FROM ${PARKED_EVENTS_TABLE} WHERE projection = $1`, [MEMORIES_CHECKPOINT]);
  await client.query(`UPDATE ${PARKED_EVENTS_TABLE} SET projection = $1 WHERE projection = $2`, [
    MEMORIES_CHECKPOINT,
    checkpoint,
  ]);
  await client.query(
    `UPDATE ${CHECKPOINTS_TABLE} SET parked_streams =
       (SELECT parked_streams FROM ${CHECKPOINTS_TABLE} WHERE name = $2) WHERE name = $1`,
    [MEMORIES_CHECKPOINT, checkpoint],
  );
  await forgetCheckpoint(client, checkpoint);
  await setCheckpoint(client, MEMORIES_CHECKPOINT, position);
}

/** Puts the `fresh` table in the place of the `live` one, which goes. */
async function replaceTable(client: SqlClient, live: string, fresh: string): Promise<void> {
  const liveIndexes = await indexesOf(client, live);
  const freshIndexes = await indexesOf(client, fresh);
  const retired = `${fresh}_retired`;
  await client.query(`ALTER TABLE ${live} RENAME TO ${retired}`);
  await client.query(`ALTER TABLE ${fresh} RENAME TO ${live}`);
  await client.query(`DROP TABLE ${retired}`);
  // LIKE ... INCLUDING ALL names the copied indexes after the new table; give them the live names
  // back so the next migration or rebuild finds what it expects.
  for (const [shape, name] of freshIndexes) {
    const liveName = liveIndexes.get(shape);
    if (liveName && liveName !== name) await client.query(`ALTER INDEX ${name} RENAME TO ${liveName}`);
  }
}

/** Removes the rebuild's own checkpoint and whatever it parked. */
async function forgetCheckpoint(db: SqlPool | SqlClient, checkpoint: string): Promise<void> {
  await db.query(`DELETE FROM ${PARKED_EVENTS_TABLE} WHERE projection = $1`, [checkpoint]);
  await db.query(`DELETE FROM ${CHECKPOINTS_TABLE} WHERE name = $1`, [checkpoint]);
}

/** The table's indexes keyed by their definition with the index and table names blanked out. */
async function indexesOf(client: SqlClient, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
    [table],
  );
  const byShape = new Map<string, string>();
  for (const { indexname, indexdef } of rows) {
    const shape = indexdef
      .replace(` INDEX ${indexname} ON `, " INDEX _ ON ")
      .replace(/ ON (\S+\.)?\S+ USING /, " ON _ USING ");
    byShape.set(shape, indexname);
  }
  return byShape;
}
