import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "chai";
import { Redis } from "ioredis";
import { redisSessionRevocations, type SessionRevocations } from "../src/index.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";

// The distributed mode's revocation set: one key per revoked session in Redis, shared by gateways.
describe("the Redis revocation set", function () {
  const prefix = `sb-test-${randomBytes(4).toString("hex")}:`;
  // Connected when the tests run, not while mocha loads every spec file (which can block the event
  // loop past the connection's timeout and leave it reconnecting when the first test starts).
  let set: SessionRevocations;
  let other: SessionRevocations;
  let raw: Redis;
  before(async () => {
    set = redisSessionRevocations(REDIS_URL, prefix);
    other = redisSessionRevocations(REDIS_URL, prefix);
    raw = new Redis(REDIS_URL, { keyPrefix: prefix });
    await raw.ping();
  });

  after(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await new Redis(REDIS_URL).del(...keys);
    raw.disconnect();
    await set.close();
    await other.close();
  });

  it("answers every gateway alike, and unknown until filled or after Redis lost its contents", async () => {
    const revoked = randomUUID();
    await set.revoke([revoked], 60);
    // Before the set was filled, only a recorded revocation is certain.
    expect(await other.lookup(revoked)).to.equal("revoked");
    expect(await other.lookup(randomUUID())).to.equal("unknown");
    await set.markComplete();
    expect(await other.lookup(revoked)).to.equal("revoked");
    expect(await other.lookup(randomUUID())).to.equal("live");
    // A Redis restarted empty loses the mark with the keys: lookups say unknown, never live.
    await raw.del("revoked-sessions:complete");
    expect(await other.lookup(randomUUID())).to.equal("unknown");
    await set.markComplete();
  });

  it("keeps an entry only as long as an access token can live", async () => {
    const revoked = randomUUID();
    await set.revoke([revoked], 60);
    const ttl = await raw.ttl(`revoked-session:${revoked}`);
    expect(ttl).to.be.within(59, 60);
  });

  it("says unknown, quickly, when Redis cannot be reached, and refuses to record a revocation", async () => {
    const down = redisSessionRevocations("redis://127.0.0.1:1/0", prefix, {
      commandTimeoutMs: 200,
      onError: () => undefined,
    });
    try {
      const started = performance.now();
      expect(await down.lookup(randomUUID())).to.equal("unknown");
      expect(performance.now() - started).to.be.below(2_000);
      let failed = false;
      await down.revoke([randomUUID()], 60).catch(() => (failed = true));
      expect(failed).to.equal(true);
    } finally {
      await down.close();
    }
  });
});
