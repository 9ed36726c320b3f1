import type { SqlClient, SqlPool } from "@second-brain/platform";

/** The pool, with every statement its clients run written down in `statements`. */
export function countingPool(pool: SqlPool, statements: string[]): SqlPool {
  return {
    ...pool,
    connect: async () => {
      const client = await pool.connect();
      const counted: SqlClient = {
        query: (text, params, options) => {
          statements.push(text);
          return client.query(text, params, options);
        },
        release: (destroy) => client.release(destroy),
      };
      return counted;
    },
  };
}
