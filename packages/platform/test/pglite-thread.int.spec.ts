import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { inTransaction, type SqlPool } from "../src/sql.ts";
import { openEmbeddedDatabase } from "../src/pglite.ts";

// The embedded database runs on a thread of its own (src/pglite-thread.ts): what crosses between
// the threads must arrive as PGlite gave it, errors included, since callers tell failures apart by
// their SQLSTATE.
describe("the embedded database on its own thread", function () {
  this.timeout(60_000);
  let pool: SqlPool;

  before(async () => {
    pool = await openEmbeddedDatabase(undefined);
  });
  after(async () => {
    await pool?.end();
  });

  it("returns values with their types: dates, bytes, json, arrays, int8 as text, vectors", async () => {
    const { rows } = await pool.query<Record<string, unknown>>(
      `SELECT '2026-12-03T10:00:00Z'::timestamptz AS at, decode('00ff10', 'hex') AS bytes,
              '{"a": [1, "two", null]}'::jsonb AS doc, ARRAY['x', 'y'] AS list,
              9007199254740993::int8 AS big, '[1,2,3]'::vector AS embedding, NULL AS nothing`,
    );
    expect(rows).to.have.length(1);
    const row = rows[0]!;
    expect(row.at).to.be.instanceOf(Date);
    expect((row.at as Date).toISOString()).to.equal("2026-12-03T10:00:00.000Z");
    expect(Buffer.from(row.bytes as Uint8Array).toString("hex")).to.equal("00ff10");
    expect(row.doc).to.deep.equal({ a: [1, "two", null] });
    expect(row.list).to.deep.equal(["x", "y"]);
    expect(row.big).to.equal("9007199254740993");
    expect(row.embedding).to.equal("[1,2,3]");
    expect(row.nothing).to.equal(null);
  });

  it("passes a failed statement's SQLSTATE and details on, and keeps working after it", async () => {
    await pool.query("CREATE TABLE once (id int PRIMARY KEY)");
    await pool.query("INSERT INTO once VALUES ($1)", [1]);
    const failure = (await pool
      .query("INSERT INTO once VALUES ($1)", [1])
      .catch((error: unknown) => error)) as {
      code?: string;
      constraint?: string;
      message?: string;
    };
    expect(failure).to.be.instanceOf(Error);
    expect(failure.code).to.equal("23505");
    expect(failure.constraint).to.equal("once_pkey");
    expect(failure.message).to.match(/duplicate key/);
    const rolledBack = await inTransaction(pool, async (client) => {
      await client.query("INSERT INTO once VALUES (2)");
      throw new Error("changed my mind");
    }).catch((error: Error) => error.message);
    expect(rolledBack).to.equal("changed my mind");
    expect((await pool.query("SELECT count(*)::int AS n FROM once")).rows).to.deep.equal([{ n: 1 }]);
  });

  it("answers many callers at once, each with its own rows", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => pool.query<{ n: number }>("SELECT $1::int AS n", [i])),
    );
    expect(answers.map((answer) => answer.rows[0]!.n)).to.deep.equal(
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  it("refuses queries once closed, and reports why it could not open", async () => {
    const closed = await openEmbeddedDatabase(undefined);
    await closed.end();
    expect(await closed.query("SELECT 1").catch((error: Error) => error.message)).to.match(/stopped|closed/);

    const scratch = await mkdtemp(path.join(os.tmpdir(), "sb-pglite-thread-"));
    try {
      const file = path.join(scratch, "not-a-folder");
      await writeFile(file, "");
      const refused = await openEmbeddedDatabase(path.join(file, "db")).catch((error: Error) => error);
      expect(refused).to.be.instanceOf(Error);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
