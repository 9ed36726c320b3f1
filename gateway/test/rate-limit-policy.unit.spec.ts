import { expect } from "chai";
import { chargesOfCaller } from "../src/domain/rate-limit-policy.ts";

describe("rate-limit charges of a caller", () => {
  it("charges an access token's request to its user", () => {
    expect(chargesOfCaller({ userId: "u1", role: "user", sessionId: "s1" })).to.deep.equal([
      { rule: "user", subject: "user:u1" },
    ]);
  });

  it("charges an API key's request to its user and to the key", () => {
    expect(chargesOfCaller({ userId: "u1", role: "user", apiKeyId: "k1" })).to.deep.equal([
      { rule: "user", subject: "user:u1" },
      { rule: "apiKey", subject: "key:k1" },
    ]);
  });
});
