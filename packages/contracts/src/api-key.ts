import type { Role } from "./actions.ts";

/**
 * What an API key may do (API.md, Identity). Scopes are independent of one another: `read` covers
 * every GET and search, `write` every change to the owner's data, `admin` the admin routes (and
 * only for admins). No scope lets a key manage keys, change the password or erase the account.
 */
export const API_KEY_SCOPES = ["read", "write", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A key created without `scopes` can read and write the owner's data. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ["read", "write"];

/** A key's name is a label for its owner: a line of text, not a document. */
export const MAX_API_KEY_NAME_CHARS = 100;

/** Who an API key speaks for and what it may do, as the identity service answers the gateway. */
export interface ApiKeyGrant {
  keyId: string;
  userId: string;
  role: Role;
  scopes: ApiKeyScope[];
}
