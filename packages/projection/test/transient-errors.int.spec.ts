import { expect } from "chai";
import { UnavailableError } from "@second-brain/contracts";
import { createRedisCache, postgresPool, type SqlPool } from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { isTransientError } from "../src/index.ts";

/** The error `work` fails with (it must fail). */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

// The errors are produced by the real servers and clients, not built by hand: the classifier must
// recognise what pg, PostgreSQL and ioredis actually throw.
describe("which failures a projection retries instead of parking", function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let pool: SqlPool;

  before(async () => {
    database = await createTestDatabase("sb_transient");
    pool = database.pool;
    await pool.query(`CREATE TABLE things (id integer PRIMARY KEY, amount integer NOT NULL)`);
  });

  after(async () => {
    await database.drop();
  });

  it("retries a lost connection, a refused connection, a timeout, a serialization failure and Redis down", async () => {
    const terminated = await failureOf(() => pool.query(`SELECT pg_terminate_backend(pg_backend_pid())`));
    expect(isTransientError(terminated), String(terminated)).to.equal(true);

    const closedPort = postgresPool("postgres://postgres@127.0.0.1:1/postgres");
    const refused = await failureOf(() => closedPort.query("SELECT 1"));
    await closedPort.end();
    expect(isTransientError(refused), String(refused)).to.equal(true);

    const timedOut = await failureOf(async () => {
      const client = await pool.connect();
      try {
        await client.query(`SET statement_timeout = 50`);
        await client.query(`SELECT pg_sleep(1)`);
      } finally {
        await client.query(`RESET statement_timeout`);
        client.release();
      }
    });
    expect((timedOut as { code?: string }).code).to.equal("57014");
    expect(isTransientError(timedOut)).to.equal(true);

    const serialization = await failureOf(() => serializationConflict(pool));
    expect((serialization as { code?: string }).code).to.equal("40001");
    expect(isTransientError(serialization)).to.equal(true);

    const cache = createRedisCache("redis://127.0.0.1:1", "sb-transient:", { commandTimeoutMs: 500 });
    const redisDown = await failureOf(() => cache.delete("a-key"));
    await cache.close();
    expect(isTransientError(redisDown), String(redisDown)).to.equal(true);

    const wrapped = new Error("embedding failed", { cause: terminated });
    expect(isTransientError(wrapped)).to.equal(true);
    expect(isTransientError(new UnavailableError("the embedding provider is down"))).to.equal(true);
  });

  it("does not retry what the same event would fail with again", async () => {
    const failures = await Promise.all([
      failureOf(() => pool.query(`INSERT INTO things VALUES (1, $1)`, ["not a number"])),
      failureOf(() => pool.query(`SELECT $1::jsonb`, ['{"a": "\\u0000"}'])),
      failureOf(() => pool.query(`INSERT INTO things VALUES (2, NULL)`)),
      failureOf(() => pool.query(`SELECT 1 / 0`)),
      failureOf(async () => (undefined as unknown as { tags: string[] }).tags.length),
      failureOf(async () => JSON.parse("{not json")),
    ]);
    expect(failures.map((error) => (error as { code?: string }).code).slice(0, 4)).to.deep.equal([
      "22P02",
      "22P05",
      "23502",
      "22012",
    ]);
    for (const error of failures) expect(isTransientError(error), String(error)).to.equal(false);
  });
});

/** Two serializable transactions that each read what the other writes: one must fail with 40001. */
async function serializationConflict(pool: SqlPool): Promise<void> {
  await pool.query(`INSERT INTO things VALUES (10, 1), (11, 1) ON CONFLICT DO NOTHING`);
  const [a, b] = [await pool.connect(), await pool.connect()];
  try {
    for (const client of [a, b]) await client.query("BEGIN ISOLATION LEVEL SERIALIZABLE");
    await a.query(`SELECT sum(amount) FROM things WHERE id IN (10, 11)`);
    await b.query(`SELECT sum(amount) FROM things WHERE id IN (10, 11)`);
    await a.query(`UPDATE things SET amount = amount + 1 WHERE id = 10`);
    await b.query(`UPDATE things SET amount = amount + 1 WHERE id = 11`);
    await a.query("COMMIT");
    await b.query("COMMIT");
  } finally {
    for (const client of [a, b]) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    }
  }
}
