import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKeyScope, Role } from "@second-brain/contracts";

/**
 * API keys look like `sb_<lookup id>_<secret>`: `sb_` says what the string is (so secret scanners
 * and people recognise a leaked one), the 8-character lookup id finds the stored key by an index
 * without revealing anything, and the secret is 32 random bytes (256 bits, base64url).
 *
 * Only the SHA-256 of the secret is stored. A fast hash is enough here, unlike for passwords: the
 * secret is uniformly random with 256 bits of entropy, so there is nothing to guess from a leaked
 * hash (no dictionary, and 2^256 candidates), and a slow hash would only make every request with a
 * key pay milliseconds of CPU. The stored and computed hashes are compared in constant time, so the
 * time of a refusal does not tell how much of a guessed secret was right.
 */
export const API_KEY_PREFIX = "sb";
const LOOKUP_ID_CHARS = 8;
/** RFC 4648 base32, lower case: 32 symbols, so each random byte's low 5 bits pick one uniformly. */
const LOOKUP_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const SECRET_BYTES = 32;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}_([a-z2-7]{${LOOKUP_ID_CHARS}})_([A-Za-z0-9_-]{43})$`);

export interface NewApiKey {
  /** The whole key, shown to its owner once. */
  key: string;
  /** `sb_<lookup id>`: what lists show, and what the key is found by. */
  prefix: string;
  lookupId: string;
  secretHash: string;
}

export interface ParsedApiKey {
  lookupId: string;
  secret: string;
}

export function generateApiKey(): NewApiKey {
  const lookupId = Array.from(randomBytes(LOOKUP_ID_CHARS), (byte) => LOOKUP_ALPHABET[byte & 31]).join("");
  const secret = randomBytes(SECRET_BYTES).toString("base64url");
  const prefix = `${API_KEY_PREFIX}_${lookupId}`;
  return { key: `${prefix}_${secret}`, prefix, lookupId, secretHash: hashApiKeySecret(secret) };
}

/** The key's parts, or undefined when the string cannot be one of our keys (then no lookup is needed). */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { lookupId: match[1]!, secret: match[2]! } : undefined;
}

/** `sb_<lookup id>` of a lookup id. */
export const apiKeyPrefix = (lookupId: string) => `${API_KEY_PREFIX}_${lookupId}`;

export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Whether `secret` is the one `storedHash` was made from, in time that does not depend on where they differ. */
export function apiKeySecretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, "hex");
  const actual = createHash("sha256").update(secret, "utf8").digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Only admins may create a key with the admin scope. */
export function mayGrantScopes(role: Role, scopes: readonly ApiKeyScope[]): boolean {
  return role === "admin" || !scopes.includes("admin");
}

/** A route that declares no scope refuses keys; one that does needs that scope among the key's. */
export function scopesAllow(scopes: readonly ApiKeyScope[], needed: ApiKeyScope | undefined): boolean {
  return needed !== undefined && scopes.includes(needed);
}
