import type { Migration } from "@second-brain/platform";

/**
 * Sign-in sessions: every login starts one, its access tokens carry its id (`sid`) and its refresh
 * tokens belong to it, so logging out, a password change, refresh token reuse or erasure can end
 * exactly the sessions they mean. A session row has no foreign key to its user: a revoked session
 * must outlive an erased account for as long as its access tokens could (the revocation set is
 * refilled from here after a restart). The single-row table holds the hash of the one-time token
 * that makes the first admin.
 *
 * Refresh tokens issued before this migration each get a session of their own (its id derived from
 * the token's hash), so nobody is signed out by the upgrade; their access tokens carry no `sid` and
 * are refused, so clients refresh once.
 */
export const addSignInSessions: Migration = {
  name: "2026_12_03_0001_add_sign_in_sessions",
  up: async (client) => {
    await client.query(
      `CREATE TABLE auth_sessions (
         id uuid PRIMARY KEY,
         user_id uuid NOT NULL,
         created_at timestamptz NOT NULL,
         revoked_at timestamptz
       )`,
    );
    await client.query("CREATE INDEX auth_sessions_user_id ON auth_sessions (user_id)");
    await client.query(
      "CREATE INDEX auth_sessions_revoked_at ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL",
    );
    await client.query("ALTER TABLE refresh_tokens ADD COLUMN session_id uuid");
    await client.query("UPDATE refresh_tokens SET session_id = md5(token_hash)::uuid");
    await client.query(
      `INSERT INTO auth_sessions (id, user_id, created_at, revoked_at)
       SELECT session_id, user_id, now(), revoked_at FROM refresh_tokens`,
    );
    await client.query("ALTER TABLE refresh_tokens ALTER COLUMN session_id SET NOT NULL");
    await client.query(
      `ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_session_id_fkey
       FOREIGN KEY (session_id) REFERENCES auth_sessions (id) ON DELETE CASCADE`,
    );
    await client.query("CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id)");
    await client.query(
      `CREATE TABLE admin_bootstrap_token (
         singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         token_hash text NOT NULL,
         created_at timestamptz NOT NULL
       )`,
    );
  },
  down: async (client) => {
    await client.query("DROP TABLE IF EXISTS admin_bootstrap_token");
    await client.query("ALTER TABLE refresh_tokens DROP COLUMN IF EXISTS session_id");
    await client.query("DROP TABLE IF EXISTS auth_sessions");
  },
};
