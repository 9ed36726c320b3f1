import { expect } from "chai";
import { createMemoryCache } from "../src/cache.ts";

describe("memory cache", () => {
  it("stores JSON values until their TTL", async () => {
    let now = 1_000;
    const cache = createMemoryCache({ now: () => now });
    await cache.set("a", { n: 1 }, 10);
    expect(await cache.get("a")).to.deep.equal({ n: 1 });
    now += 9_999;
    expect(await cache.get("a")).to.deep.equal({ n: 1 });
    now += 1;
    expect(await cache.get("a")).to.equal(undefined);
  });

  it("returns copies, so callers cannot change the cached value", async () => {
    const cache = createMemoryCache();
    await cache.set("a", { list: [1] }, 60);
    const first = await cache.get<{ list: number[] }>("a");
    first!.list.push(2);
    expect(await cache.get("a")).to.deep.equal({ list: [1] });
  });

  it("drops the least recently used entry beyond maxEntries", async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set("a", 1, 60);
    await cache.set("b", 2, 60);
    await cache.get("a"); // a is now more recent than b
    await cache.set("c", 3, 60);
    expect(await cache.get("a")).to.equal(1);
    expect(await cache.get("b")).to.equal(undefined);
    expect(await cache.get("c")).to.equal(3);
  });

  it("deletes every key with a prefix, and only those", async () => {
    const cache = createMemoryCache();
    for (const key of ["u:1:a", "u:1:b", "u:10:a", "u:2:a"]) await cache.set(key, key, 60);
    await cache.deletePrefix("u:1:");
    expect(await cache.get("u:1:a")).to.equal(undefined);
    expect(await cache.get("u:1:b")).to.equal(undefined);
    expect(await cache.get("u:10:a")).to.equal("u:10:a");
    expect(await cache.get("u:2:a")).to.equal("u:2:a");
  });

  it("drops the least recently used entries beyond maxBytes, and never stores one too big", async () => {
    // Each entry: a 1-character key and a 1,000-character JSON string, about 2 KiB as held.
    const cache = createMemoryCache({ maxBytes: 10_000 });
    const value = "x".repeat(998);
    for (const key of ["a", "b", "c", "d"]) await cache.set(key, value, 60);
    await cache.get("a"); // a is now more recent than b
    await cache.set("e", value, 60);
    expect(await cache.get("a")).to.equal(value);
    expect(await cache.get("b")).to.equal(undefined);
    expect(await cache.get("e")).to.equal(value);
    // Over a quarter of the bound: not stored, and what was under its key is gone too.
    await cache.set("e", "y".repeat(1_300), 60);
    expect(await cache.get("e")).to.equal(undefined);
    expect(await cache.get("a")).to.equal(value);
  });

  it("holds no more than maxBytes however many entries one caller stores", async () => {
    const cache = createMemoryCache({ maxBytes: 100_000, maxEntries: 1_000_000 });
    for (let i = 0; i < 2_000; i++) await cache.set(`search:r:owner:${i}`, "z".repeat(500), 60);
    let kept = 0;
    for (let i = 0; i < 2_000; i++) if ((await cache.get(`search:r:owner:${i}`)) !== undefined) kept += 1;
    // About 1,166 bytes an entry as held: at most 85 fit.
    expect(kept).to.be.within(1, 85);
    expect(await cache.get("search:r:owner:1999")).to.equal("z".repeat(500));
  });

  it("deletes several keys at once", async () => {
    const cache = createMemoryCache();
    await cache.set("a", 1, 60);
    await cache.set("b", false, 60);
    expect(await cache.get("b")).to.equal(false);
    await cache.delete("a", "b", "missing");
    expect(await cache.get("a")).to.equal(undefined);
    expect(await cache.get("b")).to.equal(undefined);
    await cache.delete();
  });

  it("stores null and overwrites", async () => {
    const cache = createMemoryCache();
    await cache.set("a", null, 60);
    expect(await cache.get("a")).to.equal(null);
    await cache.set("a", "x", 60);
    expect(await cache.get("a")).to.equal("x");
  });
});
