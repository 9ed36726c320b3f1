import { randomBytes } from "node:crypto";
import { decryptBytes, encryptBytes } from "./cipher.ts";
import type { Migration } from "./migrations.ts";
import type { Keyring } from "./ports.ts";
import type { SqlPool } from "./sql.ts";

/**
 * Per-user data keys in SQL, each wrapped (AES-256-GCM) with the master key and bound to its user
 * id, so a wrapped key copied onto another user's row does not unwrap. Unwrapped keys are kept in
 * memory only briefly: an erasure done by another process must take effect within seconds.
 */
export const KEY_CACHE_MILLISECONDS = 5_000;

export const keyringMigrations: Migration[] = [
  {
    name: "2026_01_01_000_create_data_keys",
    up: async (client) => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS data_keys (
           user_id text PRIMARY KEY,
           wrapped_key text NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
    },
    down: async (client) => {
      await client.query("DROP TABLE IF EXISTS data_keys");
    },
  },
];

/** Reads MASTER_KEY: base64 of exactly 32 bytes. */
export function parseMasterKey(base64: string): Buffer {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new Error("MASTER_KEY must be base64.");
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error(`MASTER_KEY must be 32 bytes of base64, got ${key.length} bytes.`);
  return key;
}

export interface SqlKeyringOptions {
  cacheMilliseconds?: number;
  now?: () => number;
}

export function createSqlKeyring(pool: SqlPool, masterKey: Buffer, options: SqlKeyringOptions = {}): Keyring {
  if (masterKey.length !== 32) throw new Error("The master key must be 32 bytes.");
  const cacheMilliseconds = options.cacheMilliseconds ?? KEY_CACHE_MILLISECONDS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { key: Buffer; until: number }>();
  // Bumped by every destroyKey, so a read that raced with an erasure never caches the dead key.
  let erasures = 0;

  const wrap = (userId: string, key: Buffer) =>
    "v1:" + encryptBytes(masterKey, key, Buffer.from(userId, "utf8")).toString("base64");
  const unwrap = (userId: string, wrapped: string) => {
    if (!wrapped.startsWith("v1:")) throw new Error(`Unknown wrapped key format for user ${userId}.`);
    return decryptBytes(masterKey, Buffer.from(wrapped.slice(3), "base64"), Buffer.from(userId, "utf8"));
  };

  const getKey = async (userId: string): Promise<Buffer | undefined> => {
    const cached = cache.get(userId);
    if (cached && cached.until > now()) return cached.key;
    cache.delete(userId);
    const erasuresBefore = erasures;
    const result = await pool.query<{ wrapped_key: string }>(
      "SELECT wrapped_key FROM data_keys WHERE user_id = $1",
      [userId],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const key = unwrap(userId, row.wrapped_key);
    if (erasures === erasuresBefore) {
      cache.set(userId, { key, until: now() + cacheMilliseconds });
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    }
    return key;
  };

  return {
    ensureKey: async (userId) => {
      const cached = cache.get(userId);
      if (cached && cached.until > now()) return;
      // Concurrent first writes for one user race here; the primary key lets exactly one win.
      await pool.query(
        "INSERT INTO data_keys (user_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
        [userId, wrap(userId, randomBytes(32))],
      );
    },
    getKey,
    forget: (userId) => {
      erasures++;
      cache.delete(userId);
    },
    destroyKey: async (userId) => {
      erasures++;
      cache.delete(userId);
      await pool.query("DELETE FROM data_keys WHERE user_id = $1", [userId]);
      erasures++;
      cache.delete(userId);
    },
  };
}
