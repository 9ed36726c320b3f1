/**
 * What travels between the gateway and the services: the caller as resolved by the gateway, and
 * the shape of each action's params. Services meet only through these names on the broker.
 */
export type Role = "user" | "admin";

export interface Caller {
  userId: string;
  role: Role;
  /** The sign-in session the access token belongs to (absent for callers without one). */
  sessionId?: string;
  /** The API key the request came with (absent for an access token). */
  apiKeyId?: string;
}

/** Set by the gateway on `ctx.meta` for every authenticated call. */
export interface CallMeta {
  caller?: Caller;
  requestId?: string;
  idempotencyKey?: string;
  /**
   * The command's identity, set where it entered the system (the gateway: the Idempotency-Key
   * scoped to the caller and route, else a fresh UUID). Kept by broker retries and redeliveries;
   * services derive new stream and event ids from it (ARCHITECTURE.md, invariant 9).
   */
  commandId?: string;
  /** The version from If-Match, when the client sent one. */
  ifMatch?: number;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Erasing a user is itself an event, so every read model learns of it from the log and purges. */
export const userStreamId = (userId: string): string => `user-${userId}`;
export const USER_ERASED = "UserErased";
export interface UserErasedData {
  userId: string;
}
