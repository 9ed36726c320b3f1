import { apiKeyPrefix } from "@second-brain/auth";
import type { ApiKeyScope, Role } from "@second-brain/contracts";
import type { SqlClient, SqlPool } from "@second-brain/platform";

/** SQL for API keys. Functions take a pool or, inside a transaction, a client. */
type Queryable = Pick<SqlPool | SqlClient, "query">;

/** A key as stored, without its secret hash: what its owner may see. */
export interface StoredApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface NewApiKeyRow {
  id: string;
  lookupId: string;
  userId: string;
  name: string;
  scopes: readonly ApiKeyScope[];
  secretHash: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** What authenticating a key needs: the stored hash, its owner's current role and its dates. */
export interface ApiKeyCredential {
  id: string;
  userId: string;
  role: Role;
  scopes: ApiKeyScope[];
  secretHash: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  lookup_id: string;
  name: string;
  scopes: ApiKeyScope[];
  created_at: Date | string;
  expires_at: Date | string | null;
  last_used_at: Date | string | null;
}

const LISTED = "id, lookup_id, name, scopes, created_at, expires_at, last_used_at";

export async function insertApiKey(db: Queryable, row: NewApiKeyRow): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (id, lookup_id, user_id, name, scopes, secret_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      row.id,
      row.lookupId,
      row.userId,
      row.name,
      [...row.scopes],
      row.secretHash,
      row.createdAt.toISOString(),
      row.expiresAt?.toISOString() ?? null,
    ],
  );
}

/** The owner's keys, oldest first. */
export async function listApiKeys(db: Queryable, userId: string): Promise<StoredApiKey[]> {
  const result = await db.query<ApiKeyRow>(
    `SELECT ${LISTED} FROM api_keys WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return result.rows.map(toStoredApiKey);
}

export async function findApiKey(
  db: Queryable,
  userId: string,
  id: string,
): Promise<StoredApiKey | undefined> {
  const result = await db.query<ApiKeyRow>(`SELECT ${LISTED} FROM api_keys WHERE user_id = $1 AND id = $2`, [
    userId,
    id,
  ]);
  return result.rows[0] && toStoredApiKey(result.rows[0]);
}

/** Deletes the owner's key; false when the owner has no key with this id (another user's included). */
export async function deleteApiKey(db: Queryable, userId: string, id: string): Promise<boolean> {
  const result = await db.query("DELETE FROM api_keys WHERE user_id = $1 AND id = $2 RETURNING id", [
    userId,
    id,
  ]);
  return result.rows.length > 0;
}

/** The key with this lookup id and its owner's role: one index lookup, joined by primary key. */
export async function findApiKeyCredential(
  db: Queryable,
  lookupId: string,
): Promise<ApiKeyCredential | undefined> {
  const result = await db.query<{
    id: string;
    user_id: string;
    role: Role;
    scopes: ApiKeyScope[];
    secret_hash: string;
    expires_at: Date | string | null;
    last_used_at: Date | string | null;
  }>(
    `SELECT k.id, k.user_id, u.role, k.scopes, k.secret_hash, k.expires_at, k.last_used_at
       FROM api_keys k JOIN users u ON u.id = k.user_id
      WHERE k.lookup_id = $1`,
    [lookupId],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    userId: row.user_id,
    role: row.role,
    scopes: row.scopes,
    secretHash: row.secret_hash,
    expiresAt: dateOrNull(row.expires_at),
    lastUsedAt: dateOrNull(row.last_used_at),
  };
}

/**
 * Records a use unless one was recorded since `unlessSince`: concurrent requests (on any process)
 * write at most once per interval, because the row lock makes the later ones see the new value.
 */
export async function touchApiKey(db: Queryable, id: string, at: Date, unlessSince: Date): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = $2
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`,
    [id, at.toISOString(), unlessSince.toISOString()],
  );
}

function toStoredApiKey(row: ApiKeyRow): StoredApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    prefix: apiKeyPrefix(row.lookup_id),
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: dateOrNull(row.expires_at)?.toISOString() ?? null,
    lastUsedAt: dateOrNull(row.last_used_at)?.toISOString() ?? null,
  };
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));
