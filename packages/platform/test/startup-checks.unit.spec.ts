import { expect } from "chai";
import fc from "fast-check";
import { loadConfig } from "../src/config.ts";

const refusalOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return expect.fail("expected the configuration to be refused");
};

describe("startup checks", () => {
  it("refuses a JWT_SECRET under 32 bytes, in either mode, without echoing it", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((s) => Buffer.byteLength(s) < 32),
        fc.constantFrom("embedded", "distributed"),
        (secret, mode) => {
          const message = refusalOf({ SB_MODE: mode, JWT_SECRET: secret });
          expect(message).to.equal(
            "Invalid configuration: JWT_SECRET must be at least 32 bytes " +
              `(e.g. \`openssl rand -base64 48\`), got ${Buffer.byteLength(secret)}.`,
          );
        },
      ),
    );
  });

  it("takes any JWT_SECRET of 32 bytes or more, counted in bytes, not characters", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 8, maxLength: 80 }).filter((s) => Buffer.byteLength(s) >= 32),
        (secret) => {
          expect(loadConfig({ JWT_SECRET: secret }).jwtSecret).to.equal(secret);
        },
      ),
    );
    // Eleven characters of three bytes each: 33 bytes.
    expect(loadConfig({ JWT_SECRET: "€".repeat(11) }).jwtSecret).to.equal("€".repeat(11));
    expect(refusalOf({ JWT_SECRET: "€".repeat(10) })).to.contain("got 30");
  });

  it("listens on 127.0.0.1 in the embedded mode and on every interface in the distributed mode unless HOST says otherwise", () => {
    expect(loadConfig({}).host).to.equal("127.0.0.1");
    expect(loadConfig({ SB_MODE: "embedded", HOST: "" }).host).to.equal("127.0.0.1");
    expect(loadConfig({ SB_MODE: "distributed" }).host).to.equal("0.0.0.0");
    expect(loadConfig({ HOST: "0.0.0.0" }).host).to.equal("0.0.0.0");
    expect(loadConfig({ SB_MODE: "distributed", HOST: "::1" }).host).to.equal("::1");
  });
});
