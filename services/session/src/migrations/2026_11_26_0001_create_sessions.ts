import type { Migration, SqlClient } from "@second-brain/platform";
import { createCheckpointsTable } from "@second-brain/projection";

export const createSessions: Migration = {
  name: "2026_11_26_0001_create_sessions",
  async up(client: SqlClient) {
    await client.query(`
      CREATE TABLE IF NOT EXISTS sessions (
        id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        version integer NOT NULL,
        title text,
        context jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL,
        message_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS sessions_owner_list ON sessions (owner_id, created_at, id)`,
    );
    await client.query(`
      CREATE TABLE IF NOT EXISTS session_memories (
        memory_id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        owner_id text NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL
      )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS session_memories_session ON session_memories (session_id, created_at) WHERE NOT deleted`,
    );
    await createCheckpointsTable(client);
  },
  async down(client: SqlClient) {
    await client.query(`DROP TABLE IF EXISTS session_memories`);
    await client.query(`DROP TABLE IF EXISTS sessions`);
    await client.query(`DELETE FROM projection_checkpoints WHERE name = 'sessions'`);
  },
};
