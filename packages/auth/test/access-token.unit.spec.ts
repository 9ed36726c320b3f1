import { createHmac } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { UnauthenticatedError } from "@second-brain/contracts";
import { signAccessToken, verifyAccessToken } from "../src/index.ts";

const SECRET = "test-secret-of-reasonable-length";
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const signWith = (unsigned: string, secret = SECRET) =>
  `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;

async function expectUnauthenticated(work: () => Promise<unknown>): Promise<UnauthenticatedError> {
  try {
    await work();
  } catch (error) {
    expect(error).to.be.instanceOf(UnauthenticatedError);
    return error as UnauthenticatedError;
  }
  throw new Error("expected an UnauthenticatedError");
}

/** A well-formed access token's header and claims, as signAccessToken writes them. */
const header = b64({ alg: "HS256", typ: "JWT" });
const base = {
  sub: "u-1",
  sid: "s-1",
  role: "user",
  iat: NOW / 1000,
  exp: NOW / 1000 + 900,
  typ: "access",
};

describe("access tokens", () => {
  it("round-trips the caller", async () => {
    const token = await signAccessToken({ userId: "u-1", role: "admin", sessionId: "s-1" }, SECRET, 900, NOW);
    expect(await verifyAccessToken(token, SECRET, NOW + 1000)).to.deep.equal({
      userId: "u-1",
      role: "admin",
      sessionId: "s-1",
    });
  });

  it("carries sub, role, iat, exp and typ in an HS256 JWT", async () => {
    const token = await signAccessToken({ userId: "u-1", role: "user", sessionId: "s-1" }, SECRET, 900, NOW);
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).to.deep.equal({ alg: "HS256", typ: "JWT" });
    expect(payload).to.deep.equal(base);
  });

  it("refuses an expired token", async () => {
    const caller = { userId: "u-1", role: "user", sessionId: "s-1" } as const;
    const token = await signAccessToken(caller, SECRET, 900, NOW);
    expect(await verifyAccessToken(token, SECRET, NOW + 899_000)).to.deep.equal(caller);
    const error = await expectUnauthenticated(() => verifyAccessToken(token, SECRET, NOW + 900_000));
    expect(error.status).to.equal(401);
    expect(error.code).to.equal("UNAUTHENTICATED");
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signAccessToken(
      { userId: "u-1", role: "user", sessionId: "s-1" },
      "another-secret",
      900,
      NOW,
    );
    await expectUnauthenticated(() => verifyAccessToken(token, SECRET, NOW));
  });

  it("refuses a tampered payload", async () => {
    const token = await signAccessToken({ userId: "u-1", role: "user", sessionId: "s-1" }, SECRET, 900, NOW);
    const [header, , signature] = token.split(".");
    const forged = b64({ sub: "u-1", role: "admin", iat: NOW / 1000, exp: NOW / 1000 + 900, typ: "access" });
    await expectUnauthenticated(() => verifyAccessToken(`${header}.${forged}.${signature}`, SECRET, NOW));
  });

  it("refuses alg none and any algorithm other than HS256", async () => {
    const payload = b64({ sub: "u-1", role: "admin", iat: NOW / 1000, exp: NOW / 1000 + 900, typ: "access" });
    await expectUnauthenticated(() =>
      verifyAccessToken(`${b64({ alg: "none", typ: "JWT" })}.${payload}.`, SECRET, NOW),
    );
    await expectUnauthenticated(() =>
      verifyAccessToken(signWith(`${b64({ alg: "HS512" })}.${payload}`), SECRET, NOW),
    );
  });

  it("refuses a correctly signed token whose algorithm is not HS256: another HMAC size or RSA", async () => {
    const claims = { sub: "u-1", role: "admin", typ: "access" };
    const sign = (alg: string, key: Uint8Array | CryptoKey) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, typ: "JWT" })
        .setIssuedAt(NOW / 1000)
        .setExpirationTime(NOW / 1000 + 900)
        .sign(key);
    // The right secret, a valid signature: only the allow-list stands in the way.
    const hs512 = await sign("HS512", new TextEncoder().encode(SECRET));
    await expectUnauthenticated(() => verifyAccessToken(hs512, SECRET, NOW));
    const { privateKey } = await generateKeyPair("RS256");
    await expectUnauthenticated(async () => verifyAccessToken(await sign("RS256", privateKey), SECRET, NOW));
  });

  it("refuses a correctly signed token without sub, sid, iat or exp (sid: issued before sessions)", async () => {
    expect(await verifyAccessToken(signWith(`${header}.${b64(base)}`), SECRET, NOW)).to.include({
      sessionId: "s-1",
    });
    for (const missing of ["sub", "sid", "iat", "exp"] as const) {
      const { [missing]: _dropped, ...claims } = base;
      await expectUnauthenticated(() => verifyAccessToken(signWith(`${header}.${b64(claims)}`), SECRET, NOW));
    }
  });

  it("refuses a token of another type or with bad claims, even when correctly signed", async () => {
    for (const claims of [
      { ...base, sid: "" },
      { ...base, sid: 7 },
      { ...base, typ: "refresh" },
      { ...base, role: "root" },
      { ...base, sub: "" },
      { ...base, exp: "later" },
      [base],
    ]) {
      await expectUnauthenticated(() => verifyAccessToken(signWith(`${header}.${b64(claims)}`), SECRET, NOW));
    }
  });

  it("refuses a critical header extension, a token not yet valid, and a signature spelled another way", async () => {
    const withCrit = b64({ alg: "HS256", typ: "JWT", crit: ["b64"], b64: false });
    await expectUnauthenticated(() => verifyAccessToken(signWith(`${withCrit}.${b64(base)}`), SECRET, NOW));
    const notYet = { ...base, nbf: NOW / 1000 + 60 };
    await expectUnauthenticated(() => verifyAccessToken(signWith(`${header}.${b64(notYet)}`), SECRET, NOW));
    const token = signWith(`${header}.${b64(base)}`);
    expect(await verifyAccessToken(token, SECRET, NOW)).to.include({ userId: "u-1" });
    // The same signature bytes with characters base64url decoding would skip over.
    const [h, p, signature] = token.split(".") as [string, string, string];
    for (const spelled of [
      `${signature}=`,
      `${signature.slice(0, 5)}!${signature.slice(5)}`,
      `${signature} `,
    ]) {
      await expectUnauthenticated(() => verifyAccessToken(`${h}.${p}.${spelled}`, SECRET, NOW));
    }
  });

  it("refuses any string that is not the token, and any change to one character of it, only with a 401", async () => {
    const token = await signAccessToken({ userId: "u-1", role: "user", sessionId: "s-1" }, SECRET, 900, NOW);
    const refused = async (candidate: string) => {
      try {
        await verifyAccessToken(candidate, SECRET, NOW);
        return false;
      } catch (error) {
        return error instanceof UnauthenticatedError;
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })),
        async (text) => (text === token ? true : refused(text)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.oneof(
          fc.constantFrom(".", "=", "\0", "\ud800", "A", "_", "-"),
          fc.string({ minLength: 1, maxLength: 3 }),
        ),
        async (at, replacement) => {
          const changed = token.slice(0, at) + replacement + token.slice(at + 1);
          return changed === token || (await refused(changed));
        },
      ),
    );
  });

  it("refuses malformed tokens", async () => {
    for (const token of ["", "abc", "a.b", "a.b.c.d", "!!!.???.***", `${b64({ alg: "HS256" })}.e30`]) {
      await expectUnauthenticated(() => verifyAccessToken(token, SECRET, NOW));
    }
    await expectUnauthenticated(() => verifyAccessToken(undefined as unknown as string, SECRET, NOW));
  });
});
