import { randomUUID } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { inProcessSessionRevocations, lazySessionRevocations } from "../src/index.ts";

describe("the in-process revocation set", () => {
  it("says unknown until it was filled from the session table, then revoked or live", async () => {
    const set = inProcessSessionRevocations();
    const revoked = randomUUID();
    await set.revoke([revoked], 60);
    expect(await set.lookup(revoked)).to.equal("unknown");
    await set.markComplete();
    expect(await set.lookup(revoked)).to.equal("revoked");
    expect(await set.lookup(randomUUID())).to.equal("live");
  });

  it("keeps an entry exactly as long as it was asked to, whatever the order of revocations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            session: fc.integer({ min: 0, max: 5 }),
            ttl: fc.integer({ min: 1, max: 100 }),
            at: fc.integer({ min: 0, max: 100 }),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 250 }),
        async (revocations, askAt) => {
          let clock = 0;
          const set = inProcessSessionRevocations(() => clock * 1000);
          await set.markComplete();
          const sorted = [...revocations].sort((a, b) => a.at - b.at);
          for (const { session, ttl, at } of sorted) {
            clock = at;
            await set.revoke([`s${session}`], ttl);
          }
          clock = Math.max(askAt, clock);
          for (let session = 0; session <= 5; session++) {
            const expected = sorted.some((r) => r.session === session && r.at + r.ttl > clock)
              ? "revoked"
              : "live";
            expect(await set.lookup(`s${session}`)).to.equal(expected);
          }
        },
      ),
    );
  });

  it("is opened only when first used (processes that never ask hold no Redis connection)", async () => {
    let opened = 0;
    const set = lazySessionRevocations(() => {
      opened += 1;
      return inProcessSessionRevocations();
    });
    await set.close();
    expect(opened).to.equal(0);
    await set.markComplete();
    expect(await set.lookup(randomUUID())).to.equal("live");
    expect(opened).to.equal(1);
  });
});
