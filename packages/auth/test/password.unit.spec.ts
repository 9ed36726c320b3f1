import { expect } from "chai";
import fc from "fast-check";
import {
  DEFAULT_SCRYPT_PARAMS,
  generateOpaqueToken,
  hashPassword,
  hashToken,
  needsRehash,
  verifyPassword,
} from "../src/index.ts";

// Explicitly cheap parameters for everything but the check of the defaults themselves.
const CHEAP = { N: 1024, r: 8, p: 1 };

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple", CHEAP);
    expect(await verifyPassword("correct horse battery staple", hash)).to.equal(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).to.equal(false);
  });

  it("salts every hash and records its parameters", async () => {
    const [a, b] = await Promise.all([
      hashPassword("same password", CHEAP),
      hashPassword("same password", CHEAP),
    ]);
    expect(a).not.to.equal(b);
    expect(a).to.match(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it("hashes with OWASP's scrypt work by default: N=2^16, r=8, p=2 (as N=2^17 p=1, in 64 MiB)", async () => {
    expect(DEFAULT_SCRYPT_PARAMS).to.deep.equal({ N: 65536, r: 8, p: 2 });
    // Work is N·r·p; OWASP's first choice is N=2^17 r=8 p=1. Memory is 128·N·r bytes.
    const { N, r, p } = DEFAULT_SCRYPT_PARAMS;
    expect(N * r * p).to.equal((1 << 17) * 8 * 1);
    expect(128 * N * r).to.equal(64 * 1024 * 1024);
    const hash = await hashPassword("a production hash");
    expect(hash).to.match(/^scrypt\$65536\$8\$2\$/);
    expect(needsRehash(hash)).to.equal(false);
    expect(await verifyPassword("a production hash", hash)).to.equal(true);
  });

  it("asks for a re-hash exactly when a stored hash's parameters differ from the current ones", async () => {
    const old = await hashPassword("pw", CHEAP);
    expect(needsRehash(old, CHEAP)).to.equal(false);
    expect(needsRehash(old)).to.equal(true);
    expect(needsRehash(old, { ...CHEAP, p: 2 })).to.equal(true);
    expect(needsRehash("not a hash", CHEAP)).to.equal(true);
    fc.assert(
      fc.property(
        fc.record({
          N: fc.constantFrom(2, 1024, 65536),
          r: fc.integer({ min: 1, max: 32 }),
          p: fc.integer({ min: 1, max: 16 }),
        }),
        (params) => {
          const hash = ["scrypt", params.N, params.r, params.p, "c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5"].join(
            "$",
          );
          const same = params.N === 1024 && params.r === 8 && params.p === 1;
          return needsRehash(hash, CHEAP) === !same;
        },
      ),
    );
  });

  it("reads hashes made with other parameters", async () => {
    const hash = await hashPassword("pw-12345678", CHEAP);
    const [, , , , salt] = hash.split("$");
    // Recompute with N=2048 by replacing the parameters and key: verification must use the stored N.
    const { scryptSync } = await import("node:crypto");
    const key = scryptSync("pw-12345678", Buffer.from(salt!, "base64url"), 32, { N: 2048, r: 8, p: 1 });
    const lowCost = ["scrypt", 2048, 8, 1, salt, key.toString("base64url")].join("$");
    expect(await verifyPassword("pw-12345678", lowCost)).to.equal(true);
  });

  it("answers false for a hash it cannot read", async () => {
    for (const hash of [
      "",
      "plain",
      "bcrypt$1$2$3$4$5",
      "scrypt$3$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5",
      "scrypt$1073741824$8$1$c2FsdA$a2V5",
    ]) {
      expect(await verifyPassword("anything", hash)).to.equal(false);
    }
  });
});

describe("token hashing", () => {
  it("is the hex SHA-256 of the token", () => {
    expect(hashToken("abc")).to.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("generates distinct opaque tokens", () => {
    const a = generateOpaqueToken();
    expect(a).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(generateOpaqueToken()).not.to.equal(a);
  });
});
