import { errors, jwtVerify, SignJWT, type CryptoKey } from "jose";
import { UnauthenticatedError, type Caller, type Role } from "@second-brain/contracts";

/**
 * Access tokens are JWTs signed with HMAC-SHA256 over a shared secret, so the gateway can verify
 * them locally on every request without a round trip to the identity service. `jose` does the
 * signing and checking; this module only says what a token must hold.
 *
 * Only HS256 is accepted (an explicit allow-list, so "none", another HMAC size or an asymmetric
 * algorithm is refused before any signature is checked), `sub`, `sid`, `iat` and `exp` must be
 * present (a token issued before sessions existed has no `sid` and is refused: sign in again),
 * and there is no clock tolerance: a token is expired from its `exp` second on, as on the identity
 * service that issued it (both read the same clock in embedded mode; in distributed mode the hosts'
 * clocks are synchronised and a token lives minutes, so a second of skew only moves that edge).
 */
export interface AccessTokenClaims {
  userId: string;
  role: Role;
  /** The sign-in session (`sid`): logging out or revoking it ends the token at once. */
  sessionId: string;
}

const ALGORITHM = "HS256";
const ROLES: readonly string[] = ["user", "admin"];

const VERIFY_OPTIONS = {
  algorithms: [ALGORITHM],
  requiredClaims: ["sub", "sid", "iat", "exp"],
  clockTolerance: 0,
};

/**
 * WebCrypto keys imported once per secret: importing is most of the cost of a verify otherwise.
 * A process holds one secret, so the map stays tiny.
 */
const keys = new Map<string, Promise<CryptoKey>>();
function keyOf(secret: string): Promise<CryptoKey> {
  if (!secret) throw new Error("An access token secret is required.");
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** `now` is milliseconds since the epoch (Date.now()); `iat`/`exp` are whole seconds, as JWT wants. */
export async function signAccessToken(
  claims: AccessTokenClaims,
  secret: string,
  ttlSeconds: number,
  now: number,
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ role: claims.role, typ: "access", sid: claims.sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(await keyOf(secret));
}

/**
 * Returns the caller the token speaks for, or throws UnauthenticatedError (never anything else).
 * This checks the signature and claims only; whether its session was revoked since is
 * session-revocations.ts, asked by the gateway on every request.
 */
export async function verifyAccessToken(token: string, secret: string, now: number): Promise<Caller> {
  const key = await keyOf(secret);
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, key, { ...VERIFY_OPTIONS, currentDate: new Date(now) }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new UnauthenticatedError("The access token has expired.");
    if (error instanceof errors.JOSEError) throw invalid();
    throw error;
  }
  if (
    claims.typ !== "access" ||
    typeof claims.sub !== "string" ||
    claims.sub === "" ||
    typeof claims.role !== "string" ||
    !ROLES.includes(claims.role) ||
    typeof claims.sid !== "string" ||
    claims.sid === ""
  ) {
    throw invalid();
  }
  return { userId: claims.sub, role: claims.role as Role, sessionId: claims.sid };
}

function invalid(): UnauthenticatedError {
  return new UnauthenticatedError("The access token is invalid.");
}
