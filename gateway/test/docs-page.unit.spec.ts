import { expect } from "chai";
import { withTagsFirst } from "../src/adapters/ops-routes.ts";

describe("the reference's tag order", () => {
  it("puts the identity tag first and keeps the others in their order", () => {
    const document = {
      info: {},
      tags: [{ name: "Memories" }, { name: "Identity", description: "Who" }, { name: "Search" }],
    };
    expect(withTagsFirst(document, ["Identity"]).tags).to.deep.equal([
      { name: "Identity", description: "Who" },
      { name: "Memories" },
      { name: "Search" },
    ]);
    expect(document.tags[0]!.name, "the document itself is left as it was").to.equal("Memories");
  });

  it("lists a first tag the document leaves out, ahead of the listed ones", () => {
    expect(withTagsFirst({ tags: [{ name: "Memories" }] }, ["Identity"]).tags).to.deep.equal([
      { name: "Identity" },
      { name: "Memories" },
    ]);
    expect(withTagsFirst({}, ["Identity"]).tags).to.deep.equal([{ name: "Identity" }]);
  });
});
