import type { SqlClient, SqlPool } from "@second-brain/platform";

/** SQL for sign-in sessions and the admin bootstrap token. Functions take a pool or a client. */
type Queryable = Pick<SqlPool | SqlClient, "query">;

export async function insertSession(
  db: Queryable,
  sessionId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await db.query("INSERT INTO auth_sessions (id, user_id, created_at) VALUES ($1, $2, $3)", [
    sessionId,
    userId,
    at.toISOString(),
  ]);
}

/** Marks the sessions revoked (those already revoked keep their first time). */
export async function markSessionsRevoked(
  db: Queryable,
  sessionIds: readonly string[],
  at: Date,
): Promise<void> {
  if (sessionIds.length === 0) return;
  await db.query(
    "UPDATE auth_sessions SET revoked_at = $2 WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL",
    [sessionIds, at.toISOString()],
  );
}

export async function liveSessionsOf(db: Queryable, userId: string): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    "SELECT id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL",
    [userId],
  );
  return result.rows.map((row) => row.id);
}

/** A session is live while its row exists and is not revoked. */
export async function isSessionLive(db: Queryable, sessionId: string): Promise<boolean> {
  const result = await db.query<{ live: boolean }>(
    "SELECT revoked_at IS NULL AS live FROM auth_sessions WHERE id = $1",
    [sessionId],
  );
  return result.rows[0]?.live === true;
}

/** Sessions revoked after `since`: the ones whose access tokens may still be unexpired. */
export async function sessionsRevokedSince(db: Queryable, since: Date): Promise<string[]> {
  const result = await db.query<{ id: string }>("SELECT id FROM auth_sessions WHERE revoked_at > $1", [
    since.toISOString(),
  ]);
  return result.rows.map((row) => row.id);
}

/** Revoked before `before`: no token of theirs can work any more, so the rows can go. */
export async function deleteSessionsRevokedBefore(db: Queryable, before: Date): Promise<void> {
  await db.query("DELETE FROM auth_sessions WHERE revoked_at <= $1", [before.toISOString()]);
}

export async function adminExists(db: Queryable): Promise<boolean> {
  const result = await db.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS found",
  );
  return result.rows[0]?.found === true;
}

/** Keeps one bootstrap token: a new one replaces the last. */
export async function storeBootstrapToken(db: Queryable, tokenHash: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO admin_bootstrap_token (singleton, token_hash, created_at) VALUES (true, $1, $2)
     ON CONFLICT (singleton) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at`,
    [tokenHash, at.toISOString()],
  );
}

/** Takes the bootstrap token's hash out of the table (in a transaction: locked until it ends). */
export async function takeBootstrapToken(db: Queryable): Promise<string | undefined> {
  const result = await db.query<{ token_hash: string }>(
    "DELETE FROM admin_bootstrap_token RETURNING token_hash",
  );
  return result.rows[0]?.token_hash;
}

export async function deleteBootstrapToken(db: Queryable): Promise<void> {
  await db.query("DELETE FROM admin_bootstrap_token");
}

export async function setRole(db: Queryable, userId: string, role: "user" | "admin"): Promise<boolean> {
  const result = await db.query("UPDATE users SET role = $2 WHERE id = $1", [userId, role]);
  return (result.rowCount ?? 0) > 0;
}

export async function setPasswordHash(
  db: Queryable,
  userId: string,
  passwordHash: string,
  previousHash?: string,
): Promise<void> {
  // With `previousHash`, only replaces that hash: a re-hash at login never overwrites a new password.
  await db.query(
    previousHash === undefined
      ? "UPDATE users SET password_hash = $2 WHERE id = $1"
      : "UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3",
    previousHash === undefined ? [userId, passwordHash] : [userId, passwordHash, previousHash],
  );
}
