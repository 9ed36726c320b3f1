import type { Migration } from "@second-brain/platform";

/**
 * API keys: found by their lookup id (the `sb_<lookup id>` prefix of the key), proved by the
 * SHA-256 of their secret. A revoked key's row is deleted; an erased user's keys go with the user.
 */
export const createApiKeys: Migration = {
  name: "2026_12_03_0002_create_api_keys",
  up: async (client) => {
    await client.query(
      `CREATE TABLE api_keys (
         id uuid PRIMARY KEY,
         lookup_id text NOT NULL UNIQUE,
         user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         name text NOT NULL,
         scopes text[] NOT NULL,
         secret_hash text NOT NULL,
         created_at timestamptz NOT NULL,
         expires_at timestamptz,
         last_used_at timestamptz
       )`,
    );
    await client.query("CREATE INDEX api_keys_user_id ON api_keys (user_id, created_at)");
  },
  down: async (client) => {
    await client.query("DROP TABLE IF EXISTS api_keys");
  },
};
