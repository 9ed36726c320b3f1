import { createHmac, timingSafeEqual } from "node:crypto";
import { UnauthenticatedError, type Caller, type Role } from "@second-brain/contracts";

/**
 * Access tokens are JWTs signed with HMAC-SHA256 over a shared secret, so the gateway can verify
 * them locally on every request without a round trip to the identity service. Only HS256 is
 * accepted: a token that names another algorithm (including "none") is refused outright.
 */
export interface AccessTokenClaims {
  userId: string;
  role: Role;
}

interface JwtPayload {
  sub: string;
  role: Role;
  iat: number;
  exp: number;
  typ: "access";
}

const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const ROLES: readonly string[] = ["user", "admin"];

/** `now` is milliseconds since the epoch (Date.now()); `iat`/`exp` are whole seconds, as JWT wants. */
export function signAccessToken(
  claims: AccessTokenClaims,
  secret: string,
  ttlSeconds: number,
  now: number,
): string {
  if (!secret) throw new Error("An access token secret is required.");
  const iat = Math.floor(now / 1000);
  const payload: JwtPayload = {
    sub: claims.userId,
    role: claims.role,
    iat,
    exp: iat + ttlSeconds,
    typ: "access",
  };
  const unsigned = `${HEADER}.${base64url(JSON.stringify(payload))}`;
  return `${unsigned}.${sign(unsigned, secret)}`;
}

/** Returns the caller the token speaks for, or throws UnauthenticatedError (never anything else). */
export function verifyAccessToken(token: string, secret: string, now: number): Caller {
  if (!secret) throw new Error("An access token secret is required.");
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) throw invalid();
  const [header, payload, signature] = parts as [string, string, string];

  const headerJson = decodeJson(header);
  if (headerJson?.alg !== "HS256") throw invalid();

  const expected = Buffer.from(sign(`${header}.${payload}`, secret), "utf8");
  const given = Buffer.from(signature, "utf8");
  // timingSafeEqual needs equal lengths; comparing lengths first leaks only the (public) length.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();

  const claims = decodeJson(payload);
  if (
    !claims ||
    claims.typ !== "access" ||
    typeof claims.sub !== "string" ||
    claims.sub === "" ||
    typeof claims.role !== "string" ||
    !ROLES.includes(claims.role) ||
    typeof claims.exp !== "number" ||
    typeof claims.iat !== "number"
  ) {
    throw invalid();
  }
  if (Math.floor(now / 1000) >= claims.exp) throw new UnauthenticatedError("The access token has expired.");
  return { userId: claims.sub, role: claims.role as Role };
}

function sign(unsigned: string, secret: string): string {
  return createHmac("sha256", secret).update(unsigned).digest("base64url");
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function invalid(): UnauthenticatedError {
  return new UnauthenticatedError("The access token is invalid.");
}
