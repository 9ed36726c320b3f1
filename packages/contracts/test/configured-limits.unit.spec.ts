import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_LIMITS } from "../src/limits.ts";
import { compileCheck, memorySchemas, searchSchemas, withLimits } from "../src/schemas/index.ts";

const characters = (count: number) => (count === 1 ? "character" : "characters");

describe("schemas with the deployment's limits", () => {
  const create = (maxContentChars: number, maxTags = DEFAULT_LIMITS.maxTags) =>
    compileCheck(memorySchemas.CreateMemoryBody, {
      limits: { ...DEFAULT_LIMITS, maxContentChars, maxTags },
    });

  it("accept content up to the configured length and refuse longer, naming the field and the limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), (limit, length) => {
        const problems = create(limit)({ content: "x".repeat(length) });
        expect(problems).to.deep.equal(
          length <= limit
            ? []
            : [
                {
                  field: "content",
                  message: `must be at most ${limit} ${characters(limit)}; sent ${length}`,
                },
              ],
        );
      }),
    );
  });

  it("accept more than the default when the limit is raised", () => {
    const longer = "x".repeat(DEFAULT_LIMITS.maxContentChars + 1);
    expect(compileCheck(memorySchemas.CreateMemoryBody)({ content: longer })).to.have.length(1);
    expect(create(DEFAULT_LIMITS.maxContentChars * 2)({ content: longer })).to.deep.equal([]);
    const tags = Array.from({ length: DEFAULT_LIMITS.maxTags + 1 }, (_, i) => `t${i}`);
    expect(create(10, DEFAULT_LIMITS.maxTags + 1)({ content: "x", tags })).to.deep.equal([]);
    expect(create(10, 2)({ content: "x", tags })).to.deep.equal([
      { field: "tags", message: `must have at most 2 items; sent ${tags.length}` },
    ]);
  });

  it("leave the declared schema as it was, and give one copy per set of numbers", () => {
    const raised = { ...DEFAULT_LIMITS, maxTags: 7 };
    const copy = withLimits(searchSchemas.SearchBody, raised);
    expect(copy.properties.filters.properties.tags).to.include({ maxItems: 7 });
    expect(searchSchemas.SearchBody.properties.filters.properties.tags).to.include({
      maxItems: DEFAULT_LIMITS.maxTags,
    });
    expect(withLimits(searchSchemas.SearchBody, { ...raised })).to.equal(copy);
    expect(withLimits(searchSchemas.SearchBody, DEFAULT_LIMITS)).to.deep.equal(searchSchemas.SearchBody);
  });
});
