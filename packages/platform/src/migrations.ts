import { inTransaction, type SqlClient, type SqlPool } from "./sql.ts";

/** A schema change owned by one component; names sort in the order they must run (timestamp first). */
export interface Migration {
  name: string;
  up(client: SqlClient): Promise<void>;
  down(client: SqlClient): Promise<void>;
}

/**
 * Every process takes this one lock before touching the schema, so many processes starting at
 * once on an empty database apply each migration exactly once, one after the other. The value is
 * arbitrary but fixed (it spells "sbmigr" in hex).
 */
export const MIGRATION_LOCK_ID = "0x73626d69677200";

/** Applies, in one transaction, the migrations of `component` not applied yet, in name order. */
export async function runMigrations(
  pool: SqlPool,
  component: string,
  migrations: Migration[],
): Promise<void> {
  const ordered = [...migrations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  assertUniqueNames(component, ordered);
  await inTransaction(pool, async (client) => {
    // Waiting for the lock and building indexes may take longer than a request's statement timeout.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query(`SELECT pg_advisory_xact_lock(${BigInt(MIGRATION_LOCK_ID).toString()})`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         component text NOT NULL,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (component, name)
       )`,
    );
    const applied = await client.query<{ name: string }>(
      "SELECT name FROM schema_migrations WHERE component = $1",
      [component],
    );
    const done = new Set(applied.rows.map((row) => row.name));
    for (const migration of ordered) {
      if (done.has(migration.name)) continue;
      await migration.up(client);
      await client.query("INSERT INTO schema_migrations (component, name) VALUES ($1, $2)", [
        component,
        migration.name,
      ]);
    }
  });
}

/** Reverts the last `steps` applied migrations of `component` (for development and tests). */
export async function revertMigrations(
  pool: SqlPool,
  component: string,
  migrations: Migration[],
  steps = 1,
): Promise<void> {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  await inTransaction(pool, async (client) => {
    // Waiting for the lock and building indexes may take longer than a request's statement timeout.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query(`SELECT pg_advisory_xact_lock(${BigInt(MIGRATION_LOCK_ID).toString()})`);
    const applied = await client.query<{ name: string }>(
      "SELECT name FROM schema_migrations WHERE component = $1 ORDER BY name DESC LIMIT $2",
      [component, steps],
    );
    for (const { name } of applied.rows) {
      const migration = byName.get(name);
      if (!migration) throw new Error(`Migration ${component}/${name} is applied but unknown to this code.`);
      await migration.down(client);
      await client.query("DELETE FROM schema_migrations WHERE component = $1 AND name = $2", [
        component,
        name,
      ]);
    }
  });
}

function assertUniqueNames(component: string, ordered: Migration[]): void {
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.name === ordered[i - 1]!.name) {
      throw new Error(`Migration name ${component}/${ordered[i]!.name} is used twice.`);
    }
  }
}
