import { expect } from "chai";
import { createTestDatabase, type TestDatabase } from "../../testing/src/database.ts";
import { postgresPool, type SqlPool } from "../src/sql.ts";
import { openEmbeddedDatabase } from "../src/pglite.ts";
import { revertMigrations, runMigrations, type Migration } from "../src/migrations.ts";

function notesMigrations(log: string[] = []): Migration[] {
  // Deliberately out of order: runMigrations sorts by name.
  return [
    {
      name: "2026_01_02_add_body",
      up: async (client) => {
        log.push("add_body");
        await client.query("ALTER TABLE notes ADD COLUMN body text");
      },
      down: async (client) => {
        await client.query("ALTER TABLE notes DROP COLUMN body");
      },
    },
    {
      name: "2026_01_01_create_notes",
      up: async (client) => {
        log.push("create_notes");
        // Slow on purpose, so concurrent runners overlap while it holds the lock.
        await client.query("SELECT pg_sleep(0.2)");
        await client.query("CREATE TABLE notes (id serial PRIMARY KEY, title text NOT NULL)");
      },
      down: async (client) => {
        await client.query("DROP TABLE notes");
      },
    },
  ];
}

async function appliedNames(pool: SqlPool): Promise<string[]> {
  const result = await pool.query<{ name: string }>(
    "SELECT name FROM schema_migrations WHERE component = 'notes' ORDER BY name",
  );
  return result.rows.map((row) => row.name);
}

describe("runMigrations on PostgreSQL", () => {
  let database: TestDatabase;
  beforeEach(async () => (database = await createTestDatabase("sb_platform_migr")));
  afterEach(() => database.drop());

  it("applies pending migrations in name order, once", async () => {
    const log: string[] = [];
    await runMigrations(database.pool, "notes", notesMigrations(log));
    await runMigrations(database.pool, "notes", notesMigrations(log));
    expect(log).to.deep.equal(["create_notes", "add_body"]);
    expect(await appliedNames(database.pool)).to.deep.equal([
      "2026_01_01_create_notes",
      "2026_01_02_add_body",
    ]);
    await database.pool.query("INSERT INTO notes (title, body) VALUES ('t', 'b')");
  });

  it("is safe when five processes start at once on an empty database", async () => {
    const pools = Array.from({ length: 5 }, () => postgresPool(database.url, 2));
    const log: string[] = [];
    try {
      await Promise.all(pools.map((pool) => runMigrations(pool, "notes", notesMigrations(log))));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    expect(log).to.deep.equal(["create_notes", "add_body"]);
    expect(await appliedNames(database.pool)).to.have.length(2);
  });

  it("rolls everything back when one migration fails", async () => {
    const failing: Migration = {
      name: "2026_01_03_broken",
      up: async (client) => {
        await client.query("ALTER TABLE nowhere ADD COLUMN x int");
      },
      down: async () => undefined,
    };
    let failed = false;
    await runMigrations(database.pool, "notes", [...notesMigrations(), failing]).catch(() => (failed = true));
    expect(failed).to.equal(true);
    const tables = await database.pool.query(
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'notes'",
    );
    expect(tables.rows).to.have.length(0);
  });

  it("keeps components apart and can revert the last step", async () => {
    await runMigrations(database.pool, "notes", notesMigrations());
    await runMigrations(database.pool, "other", []);
    await revertMigrations(database.pool, "notes", notesMigrations(), 1);
    expect(await appliedNames(database.pool)).to.deep.equal(["2026_01_01_create_notes"]);
    const columns = await database.pool.query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'body'",
    );
    expect(columns.rows).to.have.length(0);
  });
});

describe("runMigrations on PGlite", () => {
  it("works on the embedded database", async () => {
    const pool = await openEmbeddedDatabase(undefined);
    try {
      const log: string[] = [];
      await Promise.all([
        runMigrations(pool, "notes", notesMigrations(log)),
        runMigrations(pool, "notes", notesMigrations(log)),
      ]);
      expect(log).to.deep.equal(["create_notes", "add_body"]);
      expect(await appliedNames(pool)).to.have.length(2);
    } finally {
      await pool.end();
    }
  });
});
