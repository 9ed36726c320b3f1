import { expect } from "chai";
import { countingPool } from "../../testing/src/counting-pool.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/src/database.ts";
import { openEmbeddedDatabase } from "../src/pglite.ts";
import { inTransaction, postgresPool, type SqlClient, type SqlPool } from "../src/sql.ts";

const showSynchronousCommit = async (client: Pick<SqlClient, "query">) =>
  (await client.query<{ synchronous_commit: string }>("SHOW synchronous_commit")).rows[0]!.synchronous_commit;

for (const kind of ["postgres", "pglite"] as const) {
  describe(`inTransaction on ${kind}`, function () {
    this.timeout(30_000);
    let database: TestDatabase | undefined;
    let pool: SqlPool;

    before(async () => {
      if (kind === "postgres") {
        database = await createTestDatabase("sb_platform_tx");
        pool = postgresPool(database.url, 1);
      } else {
        pool = await openEmbeddedDatabase(undefined);
      }
    });
    after(async () => {
      await pool?.end();
      await database?.drop();
    });

    it("applies local settings inside the transaction only, committed or rolled back", async () => {
      const before = await showSynchronousCommit(pool);
      const inside = await inTransaction(pool, showSynchronousCommit, {
        localSettings: { synchronous_commit: "off" },
      });
      expect(inside).to.equal("off");
      expect(await showSynchronousCommit(pool)).to.equal(before);
      const failed = await inTransaction(
        pool,
        async () => {
          throw new Error("rolled back");
        },
        { localSettings: { synchronous_commit: "off" } },
      ).catch((error: unknown) => error);
      expect(failed).to.be.instanceOf(Error);
      expect(await showSynchronousCommit(pool)).to.equal(before);
    });

    it(
      kind === "postgres" ? "sends BEGIN and the settings in one round trip" : "runs BEGIN and each setting",
      async () => {
        const statements: string[] = [];
        await inTransaction(countingPool(pool, statements), async (client) => client.query("SELECT 1"), {
          localSettings: { synchronous_commit: "off", lock_timeout: "'1s'" },
        });
        expect(statements).to.deep.equal(
          kind === "postgres"
            ? [
                "BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL lock_timeout = '1s'",
                "SELECT 1",
                "COMMIT",
              ]
            : [
                "BEGIN",
                "SET LOCAL synchronous_commit = off",
                "SET LOCAL lock_timeout = '1s'",
                "SELECT 1",
                "COMMIT",
              ],
        );
      },
    );
  });
}
