import { createHash } from "node:crypto";
import pg from "pg";
import { createLogger, rateLimitedWarn } from "./logger.ts";

/**
 * The one SQL connection shape every part of Second Brain uses, whether it talks to a PostgreSQL
 * server through `pg` or to the embedded PGlite. It is the subset of `pg.Pool` that the event store,
 * the migrations and Kysely's PostgresDialect need.
 */
export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number | null;
  command?: string;
}

export interface QueryOptions {
  /**
   * Keep the statement parsed (and, once PostgreSQL finds a generic plan as good, planned) on each
   * connection that runs it, instead of sending and planning its text every time: for the few
   * statements of the write path that run for every event. Only for a text the code fixes, never
   * one built from input, since every distinct text stays prepared on every connection.
   */
  prepare?: boolean;
}

export interface SqlClient {
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<SqlResult<Row>>;
  release(destroy?: boolean | Error): void;
}

export interface SqlPool {
  readonly kind: "postgres" | "pglite";
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<SqlResult<Row>>;
  connect(): Promise<SqlClient>;
  end(): Promise<void>;
}

/**
 * Timeouts every connection to a PostgreSQL server gets, so a server that is down, restarting or
 * stalled shows up as an error within the broker's request timeout (packages/platform/src/broker.ts)
 * instead of a request or subscription that hangs: connecting gives up after
 * `connectionTimeoutMillis`, a statement the server runs longer than `statement_timeout` is
 * cancelled, and TCP keepalive finds a peer that vanished without closing the socket.
 */
export const POSTGRES_TIMEOUTS = {
  connectionTimeoutMillis: 5_000,
  statement_timeout: 8_000,
  idle_in_transaction_session_timeout: 30_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} as const;

export function postgresPool(connectionString: string, max = 10): SqlPool {
  // Idle connections are closed after a while, so a pool sheds connections to a restarted server.
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, ...POSTGRES_TIMEOUTS });
  // An idle client that loses its server (restart, failover) is dropped by the pool; the error must
  // not crash the process, and an operator must see it (once per burst: a restart drops them all).
  const warn = rateLimitedWarn(createLogger("postgres"));
  pool.on("error", (error) => warn("an idle PostgreSQL connection failed; the pool dropped it", error));
  const connect = async (): Promise<SqlClient> => {
    const client = await pool.connect();
    // The pool listens for errors only on idle clients. A held client whose server goes away
    // between two queries (PostgreSQL shutting down mid-transaction) emits an error that, without
    // this listener, would crash the process; its next query fails instead, and release drops it.
    const onError = (error: Error) => warn("a PostgreSQL connection in use failed", error);
    client.on("error", onError);
    return {
      query: (text, params, options) =>
        client.query(
          options?.prepare
            ? { name: statementName(text), text, values: params as unknown[] }
            : { text, values: params as unknown[] },
        ) as never,
      release: (destroy) => {
        client.off("error", onError);
        client.release(destroy);
      },
    };
  };
  return {
    kind: "postgres",
    // Not pg's own pool.query: it drops the connection after any error, even one the server
    // answered on a healthy connection (a unique violation, a version conflict), and the next
    // query then waits for a new connection, 20-30 ms here; a registration with a taken email
    // took three times as long as one with a new email for that alone.
    query: async (text, params, options) => {
      const client = await connect();
      try {
        const result = await client.query(text, params, options);
        client.release();
        return result as never;
      } catch (error) {
        client.release(connectionFailed(error));
        throw error;
      }
    },
    connect,
    end: () => pool.end(),
  };
}

const statementNames = new Map<string, string>();

/** A prepared statement's name: the same for the same text on every connection, and only for it. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `sb_${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Whether the connection a query failed on is unfit for another: anything but a server's answer. */
function connectionFailed(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  return error.severity === "FATAL" || error.severity === "PANIC";
}

/** What pglitePool needs of a PGlite database: PGlite itself, or its thread (pglite-thread.ts). */
export interface EmbeddedDatabase {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
  close(): Promise<void>;
}

/**
 * PGlite is one single-threaded backend: every "connection" shares it, so a transaction opened on
 * one blocks the rest. The pool therefore hands out one client at a time and queues the others.
 */
export function pglitePool(db: EmbeddedDatabase): SqlPool {
  let tail: Promise<void> = Promise.resolve();
  const run = async <Row>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>> => {
    const result = await db.query<Row>(text, params as unknown[]);
    return { rows: result.rows, rowCount: result.affectedRows ?? null, command: commandOf(text) };
  };
  const connect = (): Promise<SqlClient> => {
    let free!: () => void;
    const turn = tail;
    tail = new Promise<void>((resolve) => (free = resolve));
    return turn.then(() => {
      let released = false;
      return {
        query: run,
        release: () => {
          if (released) return;
          released = true;
          free();
        },
      };
    });
  };
  return {
    kind: "pglite",
    // PGlite's query takes no statement name, so `prepare` is not passed on: it parses every time.
    query: async (text, params) => {
      const client = await connect();
      try {
        return await client.query(text, params);
      } finally {
        client.release();
      }
    },
    connect,
    end: () => db.close(),
  };
}

function commandOf(text: string): string {
  const match = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(text);
  return (match?.[1] ?? "").toUpperCase();
}

export interface TransactionOptions {
  /**
   * Settings for this transaction only (`SET LOCAL name = value`; names and values are the
   * caller's constants, never input). On a PostgreSQL server they go with BEGIN in one round trip.
   */
  localSettings?: Readonly<Record<string, string>>;
}

/** Runs `work` in one transaction on one client; rolls back on any error. */
export async function inTransaction<T>(
  pool: SqlPool,
  work: (client: SqlClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    const settings = Object.entries(options.localSettings ?? {}).map(
      ([name, value]) => `SET LOCAL ${name} = ${value}`,
    );
    if (pool.kind === "postgres") {
      // The simple query protocol runs several statements in one message: one round trip.
      await client.query(["BEGIN", ...settings].join("; "));
    } else {
      // PGlite's query runs one statement at a time.
      for (const statement of ["BEGIN", ...settings]) await client.query(statement);
    }
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The numbers of a vector joined by commas, the body of both a pgvector literal (`[…]`) and a SQL
 * array (`{…}`). Made once per array (and kept for a copy made with copiedVector): printing 512 doubles
 * costs 20-200 µs, and a new memory's vector is written twice (the embedding cache and the search
 * document). Held weakly, so it goes with the array; vectors are never changed in place.
 */
const joinedVectors = new WeakMap<readonly number[], string>();

/** A copy of a vector that shares the original's joined text, when that was made already. */
export function copiedVector(vector: readonly number[]): number[] {
  const copy = [...vector];
  const joined = joinedVectors.get(vector);
  if (joined !== undefined) joinedVectors.set(copy, joined);
  return copy;
}
export function joinedVector(vector: readonly number[]): string {
  let joined = joinedVectors.get(vector);
  if (joined === undefined) {
    joined = vector.join(",");
    joinedVectors.set(vector, joined);
  }
  return joined;
}
