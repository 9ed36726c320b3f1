import { expect } from "chai";
import { generateOpaqueToken, hashPassword, hashToken, verifyPassword } from "../src/index.ts";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", hash)).to.equal(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).to.equal(false);
  });

  it("salts every hash and records its parameters", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.to.equal(b);
    expect(a).to.match(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it("reads hashes made with other parameters", async () => {
    const hash = await hashPassword("pw-12345678");
    const [, , , , salt] = hash.split("$");
    // Recompute with N=1024 by replacing the parameters and key: verification must use the stored N.
    const { scryptSync } = await import("node:crypto");
    const key = scryptSync("pw-12345678", Buffer.from(salt!, "base64url"), 32, { N: 1024, r: 8, p: 1 });
    const lowCost = ["scrypt", 1024, 8, 1, salt, key.toString("base64url")].join("$");
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
