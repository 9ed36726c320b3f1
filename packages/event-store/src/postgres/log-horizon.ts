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

/** The function a PostgreSQL server's readers call: `read_log(after_commit, after_prepare, max)`. */
export const READ_LOG_FUNCTION = "read_log";

/**
 * A log read in one round trip: three statements that must run in this order, each in a snapshot of
 * its own (a VOLATILE function takes a fresh snapshot for every statement; measured, three round
 * trips per wake of every subscriber were a large share of the server's and the subscribers' CPU):
 *
 * 1. The probe. An append in flight when the read takes its snapshot either holds the lock here (it
 *    locks before it gets its id), or gets its id after this probe, at or above `next_xid`. The
 *    probe must come first: an append that committed between a read's snapshot and a later probe
 *    would be missing from both, and the reader would pass its events.
 * 2. The read, below the horizon: below the oldest append still in flight in the read's own
 *    snapshot, and below `next_xid`. Every append below it has committed or rolled back, so nothing
 *    can appear later behind a position the reader has passed.
 * 3. When the read came back short: whether the log holds anything after the last event read. That
 *    was held back by an append in flight (or committed just after the read), so the subscriber
 *    polls again soon. A transaction appending through `appendOnClient` sends no notification, so
 *    without this its events would wait for the next full poll.
 *
 * Its columns are the events table's, named with `out_` in front (PL/pgSQL cannot assign to a
 * variable named `position`, a keyword). Event rows come first; a short read ends with one more row
 * whose `out_position` is null and whose `out_held_back` answers 3.
 */
export function readLogFunctionSql(schema: string): string {
  return `
  CREATE OR REPLACE FUNCTION ${schema}.${READ_LOG_FUNCTION}(after_commit xid8, after_prepare bigint, max_events integer)
  RETURNS TABLE (out_position text, out_transaction_id text, out_stream_id text,
                 out_stream_version integer, out_event_id text, out_type text, out_data text,
                 out_metadata text, out_recorded_at timestamptz, out_held_back boolean)
  LANGUAGE plpgsql VOLATILE AS $read_log$
  DECLARE
    next_xid xid8;
    appenders text[];
    last_commit xid8 := after_commit;
    last_prepare bigint := after_prepare;
    found_events integer := 0;
    e ${schema}.events%ROWTYPE;
  BEGIN
    SELECT pg_snapshot_xmax(pg_current_snapshot()),
           coalesce(array_agg(t.transactionid::text) FILTER (WHERE t.transactionid IS NOT NULL), '{}')
      INTO next_xid, appenders
      FROM pg_locks a
      JOIN pg_locks t ON t.pid = a.pid AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
     WHERE a.locktype = 'advisory' AND a.classid = 0 AND a.objid = ${APPEND_LOCK_KEY}::oid
       AND a.objsubid = 1 AND a.granted;

    FOR e IN
      SELECT * FROM ${schema}.events ev
       WHERE (ev.transaction_id, ev.position) > (after_commit, after_prepare)
         AND ev.transaction_id < (SELECT LEAST(next_xid, min(x))
                                    FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                                   WHERE xid(x)::text = ANY(appenders))
       ORDER BY ev.transaction_id, ev.position
       LIMIT max_events
    LOOP
      out_position := e.position::text;
      out_transaction_id := e.transaction_id::text;
      out_stream_id := e.stream_id;
      out_stream_version := e.stream_version;
      out_event_id := e.event_id::text;
      out_type := e.type;
      out_data := e.data::text;
      out_metadata := e.metadata::text;
      out_recorded_at := e.recorded_at;
      out_held_back := NULL;
      RETURN NEXT;
      last_commit := e.transaction_id;
      last_prepare := e.position;
      found_events := found_events + 1;
    END LOOP;

    IF found_events < max_events THEN
      out_position := NULL; out_transaction_id := NULL; out_stream_id := NULL; out_stream_version := NULL;
      out_event_id := NULL; out_type := NULL; out_data := NULL; out_metadata := NULL; out_recorded_at := NULL;
      out_held_back := EXISTS (SELECT 1 FROM ${schema}.events ev
                            WHERE (ev.transaction_id, ev.position) > (last_commit, last_prepare));
      RETURN NEXT;
    END IF;
  END
  $read_log$`;
}
