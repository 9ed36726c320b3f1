import { expect } from "chai";
import { createCachedEmbedder } from "../src/cached-embedder.ts";
import { createMemoryEmbeddingCache, textHash } from "../src/embedding-cache.ts";
import { createFakeEmbedder, fakeVector } from "./fake-embedder.ts";

const rounded = (text: string): number[] => fakeVector(text, 8).map(Math.fround);
const OWNER = "owner-1";

describe("cached embedder", () => {
  it("sends only the misses to the inner embedder, in one call, and keeps the order", async () => {
    const inner = createFakeEmbedder();
    const cache = createMemoryEmbeddingCache();
    const embedder = createCachedEmbedder(inner, cache);
    await embedder.embed(["b"], OWNER);
    const vectors = await embedder.embed(["a", "b", "c"], OWNER);
    expect(inner.calls).to.deep.equal([["b"], ["a", "c"]]);
    expect(vectors).to.deep.equal([rounded("a"), rounded("b"), rounded("c")]);
    expect(embedder.model).to.equal(inner.model);
  });

  it("pays nothing the second time (a rebuild or replay)", async () => {
    const inner = createFakeEmbedder();
    const embedder = createCachedEmbedder(inner, createMemoryEmbeddingCache());
    const first = await embedder.embed(["one", "two"], OWNER);
    const second = await embedder.embed(["two", "one"], OWNER);
    expect(inner.calls).to.have.length(1);
    expect(second).to.deep.equal([first[1], first[0]]);
  });

  it("embeds a text repeated within one call once", async () => {
    const inner = createFakeEmbedder();
    const embedder = createCachedEmbedder(inner, createMemoryEmbeddingCache());
    const vectors = await embedder.embed(["same", "other", "same"], OWNER);
    expect(inner.calls).to.deep.equal([["same", "other"]]);
    expect(vectors[0]).to.deep.equal(vectors[2]);
  });

  it("embeds a text asked for by concurrent callers once", async () => {
    const inner = createFakeEmbedder({ delayMs: 10 });
    const embedder = createCachedEmbedder(inner, createMemoryEmbeddingCache());
    const [first, second] = await Promise.all([
      embedder.embed(["shared", "x"], OWNER),
      embedder.embed(["shared", "y"], OWNER),
    ]);
    expect(inner.calls.flat().filter((text) => text === "shared")).to.have.length(1);
    expect(first[0]).to.deep.equal(second[0]);
  });

  it("keys by model, so another model's vectors are never reused", async () => {
    const cache = createMemoryEmbeddingCache();
    const small = createFakeEmbedder({ model: "small" });
    const large = createFakeEmbedder({ model: "large" });
    await createCachedEmbedder(small, cache).embed(["text"], OWNER);
    await createCachedEmbedder(large, cache).embed(["text"], OWNER);
    expect(large.calls).to.deep.equal([["text"]]);
    expect(await cache.get("small", OWNER, [textHash("text")])).to.have.property("size", 1);
  });

  it("passes a failure on and caches nothing, so the next call tries again", async () => {
    const inner = createFakeEmbedder();
    const cache = createMemoryEmbeddingCache();
    const embedder = createCachedEmbedder(inner, cache);
    inner.failNext(new Error("provider down"));
    let failure: unknown;
    await embedder.embed(["t"], OWNER).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain("provider down");
    expect(cache.size).to.equal(0);
    expect(await embedder.embed(["t"], OWNER)).to.deep.equal([rounded("t")]);
    expect(inner.calls).to.have.length(2);
  });

  it("keeps each owner's vectors apart: one user's text never hits another user's entry", async () => {
    const inner = createFakeEmbedder();
    const cache = createMemoryEmbeddingCache();
    const embedder = createCachedEmbedder(inner, cache);
    await embedder.embed(["shared words"], "alice");
    const bobs = await embedder.embed(["shared words"], "bob");
    expect(inner.calls).to.deep.equal([["shared words"], ["shared words"]]);
    expect(bobs).to.deep.equal([rounded("shared words")]);
    expect(cache.size).to.equal(2);
  });

  it("embeds texts without an owner (a search query) without caching them", async () => {
    const inner = createFakeEmbedder();
    const cache = createMemoryEmbeddingCache();
    const embedder = createCachedEmbedder(inner, cache);
    expect(await embedder.embed(["query"])).to.deep.equal([rounded("query")]);
    await embedder.embed(["query"]);
    expect(inner.calls).to.deep.equal([["query"], ["query"]]);
    expect(cache.size).to.equal(0);
  });

  it("does not call anything for no texts", async () => {
    const inner = createFakeEmbedder();
    expect(await createCachedEmbedder(inner, createMemoryEmbeddingCache()).embed([], OWNER)).to.deep.equal(
      [],
    );
    expect(inner.calls).to.deep.equal([]);
  });
});
