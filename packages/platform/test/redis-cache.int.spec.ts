import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Redis } from "ioredis";
import { createRedisCache } from "../src/cache.ts";
import type { Cache } from "../src/ports.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

describe("Redis cache", () => {
  const prefix = `sb-test-${randomBytes(6).toString("hex")}:`;
  let cache: Cache;
  let redis: Redis;

  before(() => {
    cache = createRedisCache(REDIS_URL, prefix);
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await cache.close();
    await redis.quit();
  });

  it("stores JSON values under its prefix with a TTL", async () => {
    await cache.set("memory:m1", { title: "Trip", tags: ["travel"] }, 60);
    expect(await cache.get("memory:m1")).to.deep.equal({ title: "Trip", tags: ["travel"] });
    expect(await redis.get(`${prefix}memory:m1`)).to.equal('{"title":"Trip","tags":["travel"]}');
    const ttl = await redis.ttl(`${prefix}memory:m1`);
    expect(ttl).to.be.within(55, 60);
    expect(await cache.get("missing")).to.equal(undefined);
  });

  it("expires entries", async () => {
    await cache.set("short", 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await cache.get("short")).to.equal(undefined);
  });

  it("deletes several keys at once", async () => {
    await cache.set("a", 1, 60);
    await cache.set("b", null, 60);
    expect(await cache.get("b")).to.equal(null);
    await cache.delete("a", "b");
    expect(await cache.get("a")).to.equal(undefined);
    expect(await cache.get("b")).to.equal(undefined);
    await cache.delete();
  });

  it("deletes every key with a prefix under its own prefix only, glob characters taken literally", async () => {
    const outside = `${prefix.slice(0, -1)}-other:u:1:a`;
    await redis.set(outside, "kept");
    for (const key of ["u:1:a", "u:1:b", "u:10:a", "u:*:a", "u:*x"]) await cache.set(key, key, 60);
    await cache.deletePrefix("u:1:");
    expect(await cache.get("u:1:a")).to.equal(undefined);
    expect(await cache.get("u:1:b")).to.equal(undefined);
    expect(await cache.get("u:10:a")).to.equal("u:10:a");
    await cache.deletePrefix("u:*:");
    expect(await cache.get("u:*:a")).to.equal(undefined);
    expect(await cache.get("u:10:a")).to.equal("u:10:a");
    expect(await cache.get("u:*x")).to.equal("u:*x");
    expect(await redis.get(outside)).to.equal("kept");
    await redis.del(outside);
  });

  it("treats an unreachable Redis as a miss instead of failing", async () => {
    const broken = createRedisCache("redis://127.0.0.1:1/0", prefix, { commandTimeoutMs: 300 });
    try {
      const started = Date.now();
      await broken.set("x", 1, 60);
      expect(await broken.get("x")).to.equal(undefined);
      expect(Date.now() - started).to.be.lessThan(5_000);
      let deleteFailed = false;
      await broken.delete("x").catch(() => (deleteFailed = true));
      expect(deleteFailed).to.equal(true);
    } finally {
      await broken.close();
    }
  });
});
