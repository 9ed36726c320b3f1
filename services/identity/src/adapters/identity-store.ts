import type { Role, User } from "@second-brain/contracts";
import type { SqlClient, SqlPool } from "@second-brain/platform";

/** SQL for users and refresh tokens. Functions take a pool or, inside a transaction, a client. */
type Queryable = Pick<SqlPool | SqlClient, "query">;

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  name: string | null;
  role: Role;
  created_at: Date | string;
}

export interface StoredUser {
  user: User;
  passwordHash: string;
}

const UNIQUE_VIOLATION = "23505";

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === UNIQUE_VIOLATION;
}

export async function insertUser(db: Queryable, user: User, passwordHash: string): Promise<void> {
  await db.query(
    "INSERT INTO users (id, email, password_hash, name, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [user.id, user.email, passwordHash, user.name, user.role, user.createdAt],
  );
}

export async function findUserByEmail(db: Queryable, email: string): Promise<StoredUser | undefined> {
  const result = await db.query<UserRow>("SELECT * FROM users WHERE email = $1", [email]);
  return result.rows[0] && toStoredUser(result.rows[0]);
}

export async function findUserById(db: Queryable, id: string): Promise<StoredUser | undefined> {
  const result = await db.query<UserRow>("SELECT * FROM users WHERE id = $1", [id]);
  return result.rows[0] && toStoredUser(result.rows[0]);
}

export async function insertRefreshToken(
  db: Queryable,
  tokenHash: string,
  userId: string,
  sessionId: string,
  expiresAt: Date,
): Promise<void> {
  await db.query(
    "INSERT INTO refresh_tokens (token_hash, user_id, session_id, expires_at) VALUES ($1, $2, $3, $4)",
    [tokenHash, userId, sessionId, expiresAt.toISOString()],
  );
}

export type RefreshTokenUse =
  | { outcome: "used"; userId: string; sessionId: string }
  | { outcome: "reused"; userId: string; sessionId: string }
  | { outcome: "unknown" };

/**
 * Revokes a live refresh token of a live session and says whose it was. The UPDATE's row lock
 * makes two concurrent uses of one token resolve to exactly one "used"; the other sees it revoked
 * ("reused"). A token of a revoked session is "unknown": it was ended, not copied.
 */
export async function useRefreshToken(db: Queryable, tokenHash: string, at: Date): Promise<RefreshTokenUse> {
  const used = await db.query<{ user_id: string; session_id: string }>(
    `UPDATE refresh_tokens SET revoked_at = $2
      WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2
        AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = session_id AND s.revoked_at IS NULL)
      RETURNING user_id, session_id`,
    [tokenHash, at.toISOString()],
  );
  const row = used.rows[0];
  if (row) return { outcome: "used", userId: row.user_id, sessionId: row.session_id };
  const known = await db.query<{ user_id: string; session_id: string; revoked_at: Date | null }>(
    "SELECT user_id, session_id, revoked_at FROM refresh_tokens WHERE token_hash = $1",
    [tokenHash],
  );
  const found = known.rows[0];
  if (found?.revoked_at) return { outcome: "reused", userId: found.user_id, sessionId: found.session_id };
  return { outcome: "unknown" };
}

function toStoredUser(row: UserRow): StoredUser {
  return {
    user: {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      createdAt: new Date(row.created_at).toISOString(),
    },
    passwordHash: row.password_hash,
  };
}

/** Removes the account and its refresh tokens; the email can be registered again. */
export async function deleteUser(db: Queryable, userId: string): Promise<void> {
  await db.query("DELETE FROM refresh_tokens WHERE user_id = $1", [userId]);
  await db.query("DELETE FROM users WHERE id = $1", [userId]);
}
