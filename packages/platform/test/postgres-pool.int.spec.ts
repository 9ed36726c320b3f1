import { expect } from "chai";
import { createTestDatabase, type TestDatabase } from "../../testing/src/database.ts";
import { isInfrastructureFailure } from "../src/infrastructure-errors.ts";
import { postgresPool, type SqlPool } from "../src/sql.ts";

// What a PostgreSQL shutdown does to each connection, one backend at a time: the server ends the
// backend with 57P01, as `pg_ctlcluster stop -m fast` does to all of them.
describe("PostgreSQL pool when the server ends its connections", function () {
  let database: TestDatabase;
  let pool: SqlPool;

  before(async () => {
    database = await createTestDatabase("sb_platform_pool");
    pool = postgresPool(database.url, 2);
  });
  after(async () => {
    await pool?.end();
    await database?.drop();
  });

  const terminate = async (pid: number) => {
    await database.pool.query("SELECT pg_terminate_backend($1)", [pid]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the client sees the socket close
  };

  it("survives losing a connection held between two queries, and answers with a fresh one", async () => {
    const client = await pool.connect();
    await client.query("BEGIN");
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await terminate(rows[0]!.pid);
    // Without a listener on the held client, its error event would have ended this process here.
    const failure = await client.query("SELECT 1").catch((error: unknown) => error);
    expect(isInfrastructureFailure(failure), String(failure)).to.equal(true);
    client.release();
    expect((await pool.query<{ n: number }>("SELECT 1 AS n")).rows).to.deep.equal([{ n: 1 }]);
  });

  it("drops an idle connection the server ended and serves the next query on a new one", async () => {
    const { rows } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await terminate(rows[0]!.pid);
    const answers = await Promise.all([1, 2, 3].map(() => pool.query<{ n: number }>("SELECT 1 AS n")));
    expect(answers.map((answer) => answer.rows[0]!.n)).to.deep.equal([1, 1, 1]);
  });

  it("cancels a statement that runs past the statement timeout", async () => {
    const started = Date.now();
    const failure = (await pool.query("SELECT pg_sleep(20)").catch((error: unknown) => error)) as {
      code?: string;
    };
    expect(failure.code).to.equal("57014");
    expect(isInfrastructureFailure(failure)).to.equal(true);
    expect(Date.now() - started).to.be.below(12_000);
  });

  it("keeps a connection after an error the server answered, and drops one the server ended", async () => {
    const single = postgresPool(database.url, 1);
    try {
      const pidOf = async () =>
        (await single.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      await single.query("CREATE TEMP TABLE once (id int PRIMARY KEY)");
      await single.query("INSERT INTO once VALUES (1)");
      const before = await pidOf();
      for (const failing of ["INSERT INTO once VALUES (1)", "SELECT 1/0", "SELECT * FROM no_such_table"]) {
        const failure = (await single.query(failing).catch((error: unknown) => error)) as { code?: string };
        expect(failure.code, failing).to.match(/^(23505|22012|42P01)$/);
        // The temporary table lives only in that session: seeing it proves the same connection.
        expect(await pidOf(), failing).to.equal(before);
        expect((await single.query("SELECT count(*)::int AS n FROM once")).rows).to.deep.equal([{ n: 1 }]);
      }
      await terminate(before);
      expect(await pidOf()).to.not.equal(before);
    } finally {
      await single.end();
    }
  });

  it("keeps a statement prepared on its connection when asked to, and only then", async () => {
    const single = postgresPool(database.url, 1);
    try {
      const prepared = async () =>
        (
          await single.query<{ statement: string }>(
            "SELECT statement FROM pg_prepared_statements ORDER BY statement",
          )
        ).rows.map((row) => row.statement);
      const asked = "SELECT $1::int + 1 AS n";
      for (const n of [1, 2, 3]) {
        expect((await single.query(asked, [n], { prepare: true })).rows).to.deep.equal([{ n: n + 1 }]);
      }
      const client = await single.connect();
      expect((await client.query(asked, [9], { prepare: true })).rows).to.deep.equal([{ n: 10 }]);
      client.release();
      await single.query("SELECT $1::int + 2 AS n", [1]);
      expect(await prepared()).to.deep.equal([asked]);
    } finally {
      await single.end();
    }
  });
});
