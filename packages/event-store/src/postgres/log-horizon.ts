import type { Queryable } from "./event-rows.ts";

/**
 * The gap guard, scoped to appends. Positions are taken before commit, so a transaction holding a
 * lower one can commit after a higher one; a reader must not pass a transaction that may still add
 * events below what it has read. Waiting for every transaction on the server (the plain
 * `pg_snapshot_xmin` guard) also waits for read-model transactions that never append, and those
 * then hold every subscriber back (measured: lists lagging by seconds under load). So every append
 * holds this advisory lock in shared mode until it commits, and readers wait only for its holders.
 */
export const APPEND_LOCK_KEY = 7_340_022;

/** The lock, taken first thing in the append statement (before the transaction gets its id). */
export const TAKE_APPEND_LOCK_SQL = `SELECT pg_advisory_xact_lock_shared(${APPEND_LOCK_KEY})`;

export interface AppendersProbe {
  /** Every transaction id from here on is newer than anything the probe saw. */
  nextXid: string;
  /** 32-bit ids of the transactions holding the append lock when probed. */
  appenders: string[];
}

/**
 * Run before the read. An append in flight when the read takes its snapshot either held the lock
 * here (it locks before it gets its id), or got its id after this probe, at or above `nextXid`.
 */
export async function probeAppenders(db: Queryable): Promise<AppendersProbe> {
  const { rows } = await db.query<{ next_xid: string; appenders: string[] }>(
    `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid,
            coalesce(array_agg(t.transactionid::text) FILTER (WHERE t.transactionid IS NOT NULL), '{}') AS appenders
       FROM pg_locks a
       JOIN pg_locks t ON t.pid = a.pid AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
      WHERE a.locktype = 'advisory' AND a.classid = 0 AND a.objid = ${APPEND_LOCK_KEY}::oid
        AND a.objsubid = 1 AND a.granted`,
  );
  return { nextXid: rows[0]!.next_xid, appenders: rows[0]!.appenders };
}

/**
 * The horizon as an SQL expression: below the oldest append still in flight in the read's own
 * snapshot, and below `nextXid`. `$next` and `$appenders` are the placeholders of the probe's values.
 */
export function horizonSql(next: string, appenders: string): string {
  return `(SELECT LEAST(${next}::text::xid8, min(x))
             FROM pg_snapshot_xip(pg_current_snapshot()) AS x
            WHERE xid(x)::text = ANY(${appenders}::text[]))`;
}
