import { createHash, randomBytes } from "node:crypto";

/**
 * Refresh tokens and API keys are random secrets; only their SHA-256 is stored, so a leaked table
 * grants nothing. A plain hash is enough because the secrets have 256 bits of entropy (unlike
 * passwords, which need a slow hash).
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new opaque secret: 32 random bytes, base64url. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString("base64url");
}
