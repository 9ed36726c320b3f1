import { UnauthenticatedError, type Caller, type TokenPair, type User } from "@second-brain/contracts";
import {
  generateOpaqueToken,
  hashPassword,
  hashToken,
  needsRehash,
  signAccessToken,
  verifyPassword,
  type ScryptParams,
} from "@second-brain/auth";
import { derivedId, inTransaction, type Keyring, type SqlPool } from "@second-brain/platform";
import { normalizeEmail } from "../domain/email.ts";
import {
  findUserByEmail,
  findUserById,
  insertRefreshToken,
  insertUser,
  isUniqueViolation,
  useRefreshToken,
} from "../adapters/identity-store.ts";
import { setPasswordHash } from "../adapters/session-store.ts";
import { revokeSessions, startSession, type SessionDeps } from "./sessions.ts";

export interface IdentityDeps extends SessionDeps {
  pool: SqlPool;
  keyring: Keyring;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** scrypt parameters for new hashes; the defaults (OWASP's) unless configured (tests only). */
  passwordParams?: ScryptParams;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export interface RegisterCommand {
  email: string;
  password: string;
  name?: string | null;
}

/**
 * The one answer to a registration, whether the email was new or already had an account, so the
 * answer does not tell anyone which addresses have accounts (API.md, Identity).
 */
export const REGISTRATION_ACCEPTED = Object.freeze({
  status: "accepted" as const,
  message: "If this email can be used, its account is ready: sign in with your email and password.",
});

const BAD_CREDENTIALS = "The email or password is wrong.";

/**
 * Registers a user whose id is derived from the command id, so a retried registration (the broker's
 * retry, or the client's under the same Idempotency-Key) whose first attempt was stored finds it
 * and answers as the first did. A taken email answers the same, after the same work (a password
 * hash, a data key made and removed again), so neither the answer nor its time tells it apart.
 */
export async function register(
  deps: IdentityDeps,
  command: RegisterCommand,
  commandId: string,
): Promise<typeof REGISTRATION_ACCEPTED> {
  const now = deps.now();
  const email = normalizeEmail(command.email);
  const user: User = {
    // Anonymous requests share one scope for their keys, so the email is part of the id: two
    // strangers who happen to send the same Idempotency-Key still get two accounts.
    id: derivedId(commandId, `user\n${email}`),
    email,
    name: command.name?.trim() || null,
    // An admin is made by an operator (the bootstrap token), never by registering.
    role: "user",
    createdAt: new Date(now).toISOString(),
  };
  const passwordHash = await hashPassword(command.password, deps.passwordParams);
  // The key comes first so that no user ever exists without one; if the insert fails, the fresh
  // (never used) key is removed again.
  await deps.keyring.ensureKey(user.id);
  try {
    await insertUser(deps.pool, user, passwordHash);
  } catch (error) {
    // The key is removed only when no user has this id: an earlier attempt of this very command
    // may have stored one, and shredding its key would erase that user's data.
    const earlier = await findUserById(deps.pool, user.id).then(
      (found) => found ?? null,
      () => "unknown" as const,
    );
    if (earlier === "unknown") throw error;
    if (earlier === null) await deps.keyring.destroyKey(user.id).catch(() => undefined);
    if (!isUniqueViolation(error)) throw error;
  }
  return REGISTRATION_ACCEPTED;
}

export async function login(
  deps: IdentityDeps,
  command: { email: string; password: string },
): Promise<TokenPair> {
  const stored = await findUserByEmail(deps.pool, normalizeEmail(command.email));
  // An unknown email costs one scrypt too, so response time does not reveal which emails exist.
  const passwordHash = stored?.passwordHash ?? (await dummyPasswordHash(deps.passwordParams));
  const matches = await verifyPassword(command.password, passwordHash);
  if (!stored || !matches) throw new UnauthenticatedError(BAD_CREDENTIALS);
  // A hash made with older parameters is replaced now, while the password is at hand.
  if (needsRehash(passwordHash, deps.passwordParams)) {
    const rehashed = await hashPassword(command.password, deps.passwordParams);
    await setPasswordHash(deps.pool, stored.user.id, rehashed, passwordHash);
  }
  const now = deps.now();
  return inTransaction(deps.pool, async (client) =>
    issueTokens(client, deps, stored.user, now, await startSession(client, stored.user.id, now)),
  );
}

export async function refresh(deps: IdentityDeps, refreshToken: string): Promise<TokenPair> {
  const now = deps.now();
  const at = new Date(now);
  const tokenHash = hashToken(refreshToken);
  const result = await inTransaction(deps.pool, async (client) => {
    const use = await useRefreshToken(client, tokenHash, at);
    if (use.outcome !== "used") return use;
    const stored = await findUserById(client, use.userId);
    if (!stored) return { outcome: "unknown" as const };
    const tokens = await issueTokens(client, deps, stored.user, now, use.sessionId);
    return { outcome: "issued" as const, tokens };
  });
  if (result.outcome === "issued") return result.tokens;
  if (result.outcome === "reused") {
    // A rotated token coming back means it was copied: end its session, so the copy and the
    // original (and their access tokens) both stop working (rotation with reuse detection).
    await revokeSessions(deps, [result.sessionId]);
  }
  throw new UnauthenticatedError("The refresh token is invalid, expired or already used.");
}

export async function me(deps: IdentityDeps, caller: Caller | undefined): Promise<User> {
  if (!caller) throw new UnauthenticatedError();
  const stored = await findUserById(deps.pool, caller.userId);
  if (!stored) throw new UnauthenticatedError("The account no longer exists.");
  return stored.user;
}

/** A new token pair of the session. */
export async function issueTokens(
  db: Parameters<typeof insertRefreshToken>[0],
  deps: IdentityDeps,
  user: User,
  now: number,
  sessionId: string,
): Promise<TokenPair> {
  const refreshToken = generateOpaqueToken();
  await insertRefreshToken(
    db,
    hashToken(refreshToken),
    user.id,
    sessionId,
    new Date(now + deps.refreshTokenTtlSeconds * 1000),
  );
  return {
    accessToken: await signAccessToken(
      { userId: user.id, role: user.role, sessionId },
      deps.jwtSecret,
      deps.accessTokenTtlSeconds,
      now,
    ),
    refreshToken,
    expiresIn: deps.accessTokenTtlSeconds,
  };
}

/** An unknown email is checked against a hash made with the current parameters: the same work. */
const dummyHashes = new Map<string, Promise<string>>();
function dummyPasswordHash(params?: ScryptParams): Promise<string> {
  const key = JSON.stringify(params ?? null);
  let hash = dummyHashes.get(key);
  if (!hash) dummyHashes.set(key, (hash = hashPassword(generateOpaqueToken(), params)));
  return hash;
}
