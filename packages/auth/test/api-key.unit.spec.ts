import { expect } from "chai";
import fc from "fast-check";
import { API_KEY_SCOPES, type ApiKeyScope } from "@second-brain/contracts";
import {
  apiKeySecretMatches,
  generateApiKey,
  hashApiKeySecret,
  mayGrantScopes,
  parseApiKey,
  scopesAllow,
} from "../src/index.ts";

const scopeSets = fc.subarray([...API_KEY_SCOPES]);

describe("API keys", () => {
  it("are `sb_<8-character lookup id>_<43-character secret>`, found by their prefix, with only the secret's hash kept", () => {
    for (let i = 0; i < 200; i++) {
      const generated = generateApiKey();
      expect(generated.key).to.match(/^sb_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
      expect(generated.prefix).to.equal(`sb_${generated.lookupId}`);
      expect(generated.key.startsWith(`${generated.prefix}_`)).to.equal(true);
      const parsed = parseApiKey(generated.key)!;
      expect(parsed.lookupId).to.equal(generated.lookupId);
      expect(generated.secretHash)
        .to.equal(hashApiKeySecret(parsed.secret))
        .and.to.match(/^[0-9a-f]{64}$/);
      expect(generated.secretHash).to.not.include(parsed.secret);
      expect(apiKeySecretMatches(parsed.secret, generated.secretHash)).to.equal(true);
    }
  });

  it("never repeat a secret or (in practice) a lookup id", () => {
    const keys = Array.from({ length: 2000 }, generateApiKey);
    expect(new Set(keys.map((key) => key.key)).size).to.equal(keys.length);
    expect(new Set(keys.map((key) => key.lookupId)).size).to.equal(keys.length);
  });

  it("refuse a secret that differs anywhere, and a stored hash that is not one", () => {
    const { key, secretHash } = generateApiKey();
    const { secret } = parseApiKey(key)!;
    fc.assert(
      fc.property(
        fc.nat({ max: secret.length - 1 }),
        fc.constantFrom(..."ABCabc012-_"),
        (at, replacement) => {
          fc.pre(secret[at] !== replacement);
          const other = `${secret.slice(0, at)}${replacement}${secret.slice(at + 1)}`;
          expect(apiKeySecretMatches(other, secretHash)).to.equal(false);
        },
      ),
    );
    for (const stored of ["", "abc", secretHash.slice(2), `${secretHash}00`, "zz".repeat(32)])
      expect(apiKeySecretMatches(secret, stored), stored).to.equal(false);
  });

  it("parse only strings of their exact shape", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const parsed = parseApiKey(text);
        if (parsed) expect(text).to.equal(`sb_${parsed.lookupId}_${parsed.secret}`);
        else expect(text).to.not.match(/^sb_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
      }),
    );
    const { key } = generateApiKey();
    for (const bad of [
      ` ${key}`,
      `${key} `,
      `${key}x`,
      key.slice(0, -1),
      key.toUpperCase(),
      `xb${key.slice(2)}`,
    ])
      expect(parseApiKey(bad), bad).to.equal(undefined);
  });

  it("grant the admin scope to admins only", () => {
    fc.assert(
      fc.property(scopeSets, (scopes) => {
        expect(mayGrantScopes("admin", scopes)).to.equal(true);
        expect(mayGrantScopes("user", scopes)).to.equal(!scopes.includes("admin"));
      }),
    );
  });

  it("allow a route only when it declares a scope and the key has that very scope", () => {
    fc.assert(
      fc.property(
        scopeSets,
        fc.option(fc.constantFrom(...API_KEY_SCOPES), { nil: undefined }),
        (scopes, needed) => {
          const allowed = scopesAllow(scopes, needed as ApiKeyScope | undefined);
          expect(allowed).to.equal(needed !== undefined && scopes.includes(needed));
        },
      ),
    );
    // Scopes do not imply one another: a write key cannot read, an admin key cannot write.
    expect(scopesAllow(["write"], "read")).to.equal(false);
    expect(scopesAllow(["admin"], "write")).to.equal(false);
    expect(scopesAllow(["read", "write", "admin"], undefined)).to.equal(false);
  });
});
