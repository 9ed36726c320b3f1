import { expect } from "chai";
import { isEmailAddress, MAX_EMAIL_CHARS } from "../src/index.ts";

describe("isEmailAddress", () => {
  it("accepts ordinary addresses, trimmed", () => {
    for (const email of ["ada@example.com", " Ada.Lovelace+notes@mail.example.org ", "a@b.co"])
      expect(isEmailAddress(email), email).to.equal(true);
  });

  it("refuses what is not one address", () => {
    for (const email of ["", "ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a@b@c.d"])
      expect(isEmailAddress(email), email).to.equal(false);
    for (const email of [
      "ada lovelace@example.com",
      "ada@exa mple.com",
      "ada@.example.com",
      "ada@example..com",
    ])
      expect(isEmailAddress(email), email).to.equal(false);
    for (const email of ["ada@example.com.", "ada\u0000@example.com", `${"a".repeat(65)}@example.com`])
      expect(isEmailAddress(email), email).to.equal(false);
  });

  it("refuses more than 254 characters without looking further, in linear time", () => {
    expect(isEmailAddress(`${"a".repeat(64)}@${"b".repeat(MAX_EMAIL_CHARS - 69)}.com`)).to.equal(true);
    expect(isEmailAddress(`${"a".repeat(64)}@${"b".repeat(MAX_EMAIL_CHARS - 68)}.com`)).to.equal(false);
    // The shapes that made a backtracking pattern take seconds: many @ and dots, a MiB long.
    const hostile = ["a@".repeat(512 * 1024), "a.".repeat(512 * 1024) + "@", `${"a@a.".repeat(256 * 1024)} `];
    // The best of three, as other work may share the machine; a backtracking check takes seconds.
    const timings = [0, 1, 2].map(() => {
      const started = performance.now();
      for (const email of hostile) expect(isEmailAddress(email)).to.equal(false);
      return performance.now() - started;
    });
    expect(Math.min(...timings)).to.be.below(50);
  });
});
