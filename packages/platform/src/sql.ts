import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";

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

export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
  release(destroy?: boolean | Error): void;
}

export interface SqlPool {
  readonly kind: "postgres" | "pglite";
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
  connect(): Promise<SqlClient>;
  end(): Promise<void>;
}

export function postgresPool(connectionString: string, max = 10): SqlPool {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on("error", () => undefined);
  return {
    kind: "postgres",
    query: (text, params) => pool.query(text, params as unknown[]) as never,
    connect: async () => {
      const client = await pool.connect();
      // A checked-out client that loses its server fails its query and also emits "error", which
      // unheard would end the process; the failed query already tells the caller.
      const ignore = () => undefined;
      client.on("error", ignore);
      return {
        query: (text, params) => client.query(text, params as unknown[]) as never,
        release: (destroy) => {
          client.off("error", ignore);
          client.release(destroy);
        },
      };
    },
    end: () => pool.end(),
  };
}

/**
 * PGlite is one single-threaded backend: every "connection" shares it, so a transaction opened on
 * one blocks the rest. The pool therefore hands out one client at a time and queues the others.
 */
export function pglitePool(db: PGlite): SqlPool {
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

/** Runs `work` in one transaction on one client; rolls back on any error. */
export async function inTransaction<T>(pool: SqlPool, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
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
