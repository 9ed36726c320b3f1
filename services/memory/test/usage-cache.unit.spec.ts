import { expect } from "chai";
import { DEFAULT_QUOTAS, type Caller, type MemoryUsage } from "@second-brain/contracts";
import { usageCache } from "../src/application/usage-cache.ts";

const alice: Caller = { userId: "alice", role: "user" };

describe("the owner's usage, reused briefly far from the quotas", () => {
  let clock = 0;
  let reads = 0;
  let counted: MemoryUsage | undefined;
  const read = async () => {
    reads += 1;
    return counted && { ...counted };
  };
  beforeEach(() => {
    clock = 0;
    reads = 0;
    counted = { memories: 10, storedBytes: 100 };
  });

  it("asks once a second while the owner is far from every limit, adding what it created", async () => {
    const cache = usageCache({ ...DEFAULT_QUOTAS, memories: 1_000 }, { now: () => clock });
    const usageOf = cache.reuse(read);
    expect(await usageOf(alice)).to.deep.equal({ memories: 10, storedBytes: 100 });
    cache.created("alice", { title: "t", content: "four", metadata: {} });
    clock = 999;
    expect(await usageOf(alice)).to.deep.equal({ memories: 11, storedBytes: 100 + 1 + 4 + 2 });
    expect(reads).to.equal(1);
    clock = 1_000;
    expect(await usageOf(alice)).to.deep.equal({ memories: 10, storedBytes: 100 });
    expect(reads).to.equal(2);
  });

  it("asks on every write near a limit, after an edit or deletion, and keeps no unknown", async () => {
    const cache = usageCache({ ...DEFAULT_QUOTAS, memories: 12 }, { now: () => clock });
    const usageOf = cache.reuse(read);
    await usageOf(alice);
    await usageOf(alice);
    expect(reads, "10 of 12 is below nine tenths: reused").to.equal(1);
    cache.created("alice", { content: "x" });
    await usageOf(alice);
    expect(reads, "11 of 12 is not: read again").to.equal(2);
    counted = { memories: 1, storedBytes: 0 };
    cache.forget("alice");
    expect(await usageOf(alice)).to.deep.equal({ memories: 1, storedBytes: 0 });
    expect(reads, "read again after a forget").to.equal(3);
    counted = undefined;
    cache.forget("alice");
    expect(await usageOf(alice)).to.equal(undefined);
    expect(await usageOf(alice)).to.equal(undefined);
    expect(reads).to.equal(5);
  });
});
