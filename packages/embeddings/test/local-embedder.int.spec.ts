import { expect } from "chai";
import { EmbeddingUnavailableError } from "../src/embedding-errors.ts";
import { createLocalEmbedder, type LocalEmbedder } from "../src/local-embedder.ts";
import { cosineSimilarity } from "../src/vector-math.ts";

const dot = (a: number[], b: number[]): number => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe("local embedder (USE-lite in a worker thread)", function () {
  this.timeout(60_000);
  let embedder: LocalEmbedder;

  before(async () => {
    embedder = createLocalEmbedder();
    await embedder.embed(["warm up"]); // loads the model once for the whole file
  });
  after(async () => {
    await embedder.close();
  });

  it("gives 512-dimensional unit vectors that place similar meanings close", async () => {
    const [cat, kitten, revenue] = await embedder.embed([
      "The cat sat on the mat",
      "A kitten rested on the rug",
      "Quarterly revenue grew by 5%",
    ]);
    expect(embedder.model).to.equal("use-lite-512");
    for (const vector of [cat!, kitten!, revenue!]) {
      expect(vector).to.have.length(512);
      expect(Math.hypot(...vector)).to.be.closeTo(1, 1e-5);
    }
    expect(cosineSimilarity(cat!, kitten!)).to.be.greaterThan(cosineSimilarity(cat!, revenue!));
    // Unit length: cosine similarity is the dot product.
    expect(dot(cat!, kitten!)).to.be.closeTo(cosineSimilarity(cat!, kitten!), 1e-5);
  });

  it("lets two concurrent callers share one batch", async () => {
    const before = embedder.stats().batches;
    const [first, second] = await Promise.all([
      embedder.embed(["first caller"]),
      embedder.embed(["second caller"]),
    ]);
    expect(embedder.stats().batches - before).to.equal(1);
    expect(first).to.have.length(1);
    expect(second).to.have.length(1);
  });

  it("gives the same vector for the same text, whatever its batch companions", async () => {
    const [alone] = await embedder.embed(["stable text"]);
    const [, together] = await embedder.embed(["something else entirely", "stable text"]);
    alone!.forEach((value, i) => expect(value).to.be.closeTo(together![i]!, 1e-5));
  });

  it("embeds empty texts and texts far longer than its cut-off", async () => {
    const vectors = await embedder.embed(["", "word ".repeat(5000)]);
    expect(vectors.map((vector) => vector.length)).to.deep.equal([512, 512]);
    expect(vectors.flat().every(Number.isFinite)).to.equal(true);
  });

  it("keeps the event loop free while the model works", async () => {
    const text = "the quick brown fox jumps over the lazy dog and keeps running ".repeat(4);
    let worstLagMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 5);
      last = now;
    }, 5);
    const started = performance.now();
    await embedder.embed(Array.from({ length: 20 }, (_, i) => `${i} ${text}`)); // one batch
    const elapsedMs = performance.now() - started;
    clearInterval(ticker);
    // Run on this thread, the batch would stall the loop for about all of `elapsedMs`. (Relative,
    // not absolute: on a loaded machine the scheduler alone can delay a timer by 100 ms.)
    expect(worstLagMs).to.be.lessThan(elapsedMs / 2);
  });
});

describe("local embedder lifecycle", () => {
  it("refuses work after close, as a provider that is unavailable", async () => {
    const embedder = createLocalEmbedder();
    await embedder.close();
    const failure = await embedder.embed(["x"]).catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(EmbeddingUnavailableError);
    expect(String(failure)).to.contain("closed");
  });
});
