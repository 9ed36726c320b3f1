import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { SignJWT, type CryptoKey } from "jose";
import { UnauthenticatedError, type Caller, type Role } from "@second-brain/contracts";

/**
 * Access tokens are JWTs signed with HMAC-SHA256 over a shared secret, so the gateway can verify
 * them locally on every request without a round trip to the identity service. `jose` signs them.
 * They are checked here, with node:crypto's HMAC: jose verifies through WebCrypto, whose every
 * call is an asynchronous job on the thread pool, and that cost ~0.16 ms of the gateway's CPU per
 * request under load (docs/benchmarks.md), against a few microseconds for the same HMAC in line.
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

/**
 * Keys made once per secret: importing is most of the cost of a signature otherwise. A process
 * holds one secret, so the maps stay tiny.
 */
const keys = new Map<string, Promise<CryptoKey>>();
const verifyKeys = new Map<string, KeyObject>();
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
  const claims = signedClaims(token, secret);
  for (const required of ["sub", "sid", "iat", "exp"]) if (!(required in claims)) throw invalid();
  if (typeof claims.iat !== "number" || typeof claims.exp !== "number") throw invalid();
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > Math.floor(now / 1000))) {
    throw invalid();
  }
  if (claims.exp <= Math.floor(now / 1000)) throw new UnauthenticatedError("The access token has expired.");
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

/**
 * The payload of a compact JWS whose header names HS256 (an explicit allow-list: "none", another
 * HMAC size or an asymmetric algorithm is refused before any signature is checked, and so is any
 * critical extension) and whose signature is the HMAC of its first two parts under `secret`,
 * compared in constant time.
 */
function signedClaims(token: unknown, secret: string): Record<string, unknown> {
  if (!secret) throw new Error("An access token secret is required.");
  if (typeof token !== "string") throw invalid();
  const parts = token.split(".");
  if (parts.length !== 3) throw invalid();
  const [header, payload, signature] = parts as [string, string, string];
  const protectedHeader = jsonObjectOf(header);
  if (protectedHeader.alg !== ALGORITHM || "crit" in protectedHeader) throw invalid();
  let key = verifyKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, "utf8"));
    verifyKeys.set(secret, key);
  }
  const expected = createHmac("sha256", key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.toString("base64url") !== signature || given.length !== expected.length) throw invalid();
  if (!timingSafeEqual(given, expected)) throw invalid();
  return jsonObjectOf(payload);
}

/** A base64url part of a token as a JSON object, or the token is invalid. */
function jsonObjectOf(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
}

function invalid(): UnauthenticatedError {
  return new UnauthenticatedError("The access token is invalid.");
}
