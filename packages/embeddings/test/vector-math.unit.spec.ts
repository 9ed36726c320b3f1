import { expect } from "chai";
import { cosineSimilarity, l2Normalize } from "../src/vector-math.ts";

describe("vector math", () => {
  it("normalises to unit length and leaves a zero vector zero", () => {
    const [x, y] = l2Normalize([3, 4]);
    expect(x).to.be.closeTo(0.6, 1e-12);
    expect(y).to.be.closeTo(0.8, 1e-12);
    expect(l2Normalize([0, 0])).to.deep.equal([0, 0]);
  });

  it("computes cosine similarity whatever the norms", () => {
    expect(cosineSimilarity([1, 0], [5, 0])).to.equal(1);
    expect(cosineSimilarity([1, 0], [0, 2])).to.equal(0);
    expect(cosineSimilarity([1, 1], [-1, -1])).to.be.closeTo(-1, 1e-12);
  });
});
