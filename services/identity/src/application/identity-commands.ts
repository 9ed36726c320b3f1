import {
  AlreadyExistsError,
  UnauthenticatedError,
  type Caller,
  type TokenPair,
  type User,
} from "@second-brain/contracts";
import {
  generateOpaqueToken,
  hashPassword,
  hashToken,
  signAccessToken,
  verifyPassword,
} from "@second-brain/auth";
import { derivedId, inTransaction, type Keyring, type SqlPool } from "@second-brain/platform";
import { normalizeEmail } from "../domain/email.ts";
import {
  findUserByEmail,
  findUserById,
  insertRefreshToken,
  insertUser,
  isUniqueViolation,
  revokeAllRefreshTokens,
  useRefreshToken,
  type StoredUser,
} from "../adapters/identity-store.ts";

export interface IdentityDeps {
  pool: SqlPool;
  keyring: Keyring;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Emails that register as admins (configuration: ADMIN_EMAILS). */
  adminEmails?: readonly string[];
  /** Milliseconds since the epoch. */
  now: () => number;
}

export interface RegisterCommand {
  email: string;
  password: string;
  name?: string | null;
}

export interface Registration extends TokenPair {
  user: User;
}

const BAD_CREDENTIALS = "The email or password is wrong.";

/**
 * Registers a user whose id is derived from the command id, so a retried registration (the broker's
 * retry, or the client's under the same Idempotency-Key) whose first attempt was stored is
 * recognised: with the same email and password it answers as the first attempt did, with fresh
 * tokens, instead of "already exists".
 */
export async function register(
  deps: IdentityDeps,
  command: RegisterCommand,
  commandId: string,
): Promise<Registration> {
  const now = deps.now();
  const email = normalizeEmail(command.email);
  const user: User = {
    // Anonymous requests share one scope for their keys, so the email is part of the id: two
    // strangers who happen to send the same Idempotency-Key still get two accounts.
    id: derivedId(commandId, `user\n${email}`),
    email,
    name: command.name?.trim() || null,
    role: deps.adminEmails?.includes(email) ? "admin" : "user",
    createdAt: new Date(now).toISOString(),
  };
  const passwordHash = await hashPassword(command.password);
  // The key comes first so that no user ever exists without one; if the insert fails, the fresh
  // (never used) key is removed again.
  await deps.keyring.ensureKey(user.id);
  try {
    const tokens = await inTransaction(deps.pool, async (client) => {
      await insertUser(client, user, passwordHash);
      return issueTokens(client, deps, user, now);
    });
    return { user, ...tokens };
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
    if (earlier && (await isSameRegistration(earlier, user, command.password))) {
      return { user: earlier.user, ...(await issueTokens(deps.pool, deps, earlier.user, now)) };
    }
    throw new AlreadyExistsError("An account with this email already exists.");
  }
}

/** The earlier attempt registered this email with this password (checked like a login). */
async function isSameRegistration(earlier: StoredUser, user: User, password: string): Promise<boolean> {
  return earlier.user.email === user.email && (await verifyPassword(password, earlier.passwordHash));
}

export async function login(
  deps: IdentityDeps,
  command: { email: string; password: string },
): Promise<TokenPair> {
  const stored = await findUserByEmail(deps.pool, normalizeEmail(command.email));
  // An unknown email costs one scrypt too, so response time does not reveal which emails exist.
  const passwordHash = stored?.passwordHash ?? (await dummyPasswordHash());
  const matches = await verifyPassword(command.password, passwordHash);
  if (!stored || !matches) throw new UnauthenticatedError(BAD_CREDENTIALS);
  return issueTokens(deps.pool, deps, stored.user, deps.now());
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
    return { outcome: "issued" as const, tokens: await issueTokens(client, deps, stored.user, now) };
  });
  if (result.outcome === "issued") return result.tokens;
  if (result.outcome === "reused") {
    // A revoked token coming back means it was copied: end every session of that user, so the
    // copy and the original both have to log in again (refresh token rotation with reuse detection).
    await revokeAllRefreshTokens(deps.pool, result.userId, at);
  }
  throw new UnauthenticatedError("The refresh token is invalid, expired or already used.");
}

export async function me(deps: IdentityDeps, caller: Caller | undefined): Promise<User> {
  if (!caller) throw new UnauthenticatedError();
  const stored = await findUserById(deps.pool, caller.userId);
  if (!stored) throw new UnauthenticatedError("The account no longer exists.");
  return stored.user;
}

async function issueTokens(
  db: Parameters<typeof insertRefreshToken>[0],
  deps: IdentityDeps,
  user: User,
  now: number,
): Promise<TokenPair> {
  const refreshToken = generateOpaqueToken();
  await insertRefreshToken(
    db,
    hashToken(refreshToken),
    user.id,
    new Date(now + deps.refreshTokenTtlSeconds * 1000),
  );
  return {
    accessToken: await signAccessToken(
      { userId: user.id, role: user.role },
      deps.jwtSecret,
      deps.accessTokenTtlSeconds,
      now,
    ),
    refreshToken,
    expiresIn: deps.accessTokenTtlSeconds,
  };
}

let dummyHash: Promise<string> | undefined;
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(generateOpaqueToken());
  return dummyHash;
}
