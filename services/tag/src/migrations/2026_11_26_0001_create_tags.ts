import type { Migration, SqlClient } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";

export const createTags: Migration = {
  name: "2026_11_26_0001_create_tags",
  async up(client: SqlClient) {
    await client.query(`
      CREATE TABLE IF NOT EXISTS tag_memories (
        memory_id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        version integer NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        deleted boolean NOT NULL DEFAULT false
      )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS tag_memories_owner_tags ON tag_memories USING gin (tags) WHERE NOT deleted`,
    );
    await client.query(`CREATE INDEX IF NOT EXISTS tag_memories_owner ON tag_memories (owner_id)`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS tag_counts (
        owner_id text NOT NULL,
        name text NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (owner_id, name)
      )`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS tag_styles (
        owner_id text NOT NULL,
        name text NOT NULL,
        color text,
        parent text,
        version integer NOT NULL,
        retired boolean NOT NULL DEFAULT false,
        PRIMARY KEY (owner_id, name)
      )`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS tag_operations (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        status text NOT NULL
      )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS tag_operations_running ON tag_operations (id) WHERE status = 'running'`,
    );
    await createCheckpointsTable(client);
  },
  async down(client: SqlClient) {
    for (const table of ["tag_operations", "tag_styles", "tag_counts", "tag_memories"]) {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await client.query(`DELETE FROM projection_checkpoints WHERE name = 'tags'`);
  },
};
