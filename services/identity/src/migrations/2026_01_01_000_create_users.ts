import type { Migration } from "@second-brain/platform";

export const createUsers: Migration = {
  name: "2026_01_01_000_create_users",
  up: async (client) => {
    await client.query(
      `CREATE TABLE users (
         id uuid PRIMARY KEY,
         email text NOT NULL UNIQUE,
         password_hash text NOT NULL,
         name text,
         role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
         created_at timestamptz NOT NULL
       )`,
    );
    await client.query(
      `CREATE TABLE refresh_tokens (
         token_hash text PRIMARY KEY,
         user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz
       )`,
    );
    await client.query("CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id)");
  },
  down: async (client) => {
    await client.query("DROP TABLE IF EXISTS refresh_tokens");
    await client.query("DROP TABLE IF EXISTS users");
  },
};
