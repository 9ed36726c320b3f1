import { expect } from "chai";
import fc from "fast-check";
import { API_KEY_SCOPES } from "@second-brain/contracts";
import {
  apiKeyExpiry,
  apiKeyNameProblem,
  LAST_USED_RESOLUTION_MS,
  requestedScopes,
  shouldRecordUse,
} from "../src/domain/api-key-rules.ts";

const NOW = Date.UTC(2026, 11, 3, 12);

describe("API key rules", () => {
  it("take a name that is one line of text, and refuse blanks, tabs, line breaks and control characters", () => {
    const printable = fc
      .string({ minLength: 1, maxLength: 100 })
      .filter((s) => [...s].every((c) => c.codePointAt(0)! > 0x1f && (c < "\u007f" || c > "\u009f")));
    fc.assert(
      fc.property(printable, (name) => {
        expect(apiKeyNameProblem(name) === undefined).to.equal(name.trim() !== "");
      }),
    );
    fc.assert(
      fc.property(
        printable,
        fc.constantFrom("\t", "\n", "\r", "\u007f", "\u0085", "\u009f"),
        fc.nat(),
        (name, bad, at) => {
          const i = at % (name.length + 1);
          expect(apiKeyNameProblem(`${name.slice(0, i)}${bad}${name.slice(i)}`)?.field).to.equal("name");
        },
      ),
    );
    expect(apiKeyNameProblem("   ")?.message).to.include("white space");
    expect(apiKeyNameProblem("CI on the laptop 🚀")).to.equal(undefined);
  });

  it("take an expiry only in the future, and refuse one that cannot be read", () => {
    expect(apiKeyExpiry(undefined, NOW)).to.deep.equal({ expiresAt: null });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), (ms) => {
        const future = new Date(NOW + ms).toISOString();
        expect(apiKeyExpiry(future, NOW)).to.deep.equal({ expiresAt: new Date(NOW + ms) });
        const past = new Date(NOW - ms + 1).toISOString();
        expect(apiKeyExpiry(past, NOW)).to.have.nested.property("problem.field", "expiresAt");
      }),
    );
    for (const bad of ["tomorrow", "2026-13-01T00:00:00Z", ""])
      expect(apiKeyExpiry(bad, NOW), bad).to.have.nested.property("problem.field", "expiresAt");
  });

  it("default to read and write, and keep the scopes asked for in one order", () => {
    expect(requestedScopes(undefined)).to.deep.equal(["read", "write"]);
    fc.assert(
      fc.property(fc.subarray([...API_KEY_SCOPES], { minLength: 1 }), (scopes) => {
        const shuffled = [...scopes].reverse();
        expect(requestedScopes(shuffled)).to.deep.equal(scopes);
      }),
    );
  });

  it("record a key's use at most once per minute", () => {
    expect(shouldRecordUse(null, NOW)).to.equal(true);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * LAST_USED_RESOLUTION_MS }), (ago) => {
        expect(shouldRecordUse(new Date(NOW - ago), NOW)).to.equal(ago >= LAST_USED_RESOLUTION_MS);
      }),
    );
  });
});
