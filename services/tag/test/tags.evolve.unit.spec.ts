import { expect } from "chai";
import {
  countChanges,
  evolveTagMemory,
  evolveTagStyle,
  type TagMemoryRow,
} from "../src/read-model/tags.evolve.ts";

const base = { memoryId: "m1", ownerId: "alice" };

describe("tags read model evolve", () => {
  const created = { ...base, type: "MemoryCreated", streamVersion: 1, tags: ["a", "b"] };
  const retagged = { ...base, type: "MemoryTagsSet", streamVersion: 3, tags: ["b", "c"] };
  const deleted = { ...base, type: "MemoryDeleted", streamVersion: 5 };
  const fold = (events: (typeof created | typeof deleted)[]) =>
    events.reduce<TagMemoryRow | null>((row, event) => evolveTagMemory(row, event), null);

  it("follows a memory's tags and counts it while it exists", () => {
    const row = fold([created]);
    expect(countChanges(null, row)).to.deep.equal(
      new Map([
        ["a", 1],
        ["b", 1],
      ]),
    );
    const next = evolveTagMemory(row, retagged);
    expect(countChanges(row, next)).to.deep.equal(
      new Map([
        ["a", -1],
        ["c", 1],
      ]),
    );
    const gone = evolveTagMemory(next, deleted);
    expect(countChanges(next, gone)).to.deep.equal(
      new Map([
        ["b", -1],
        ["c", -1],
      ]),
    );
  });

  it("changes nothing on a repeated delivery, whatever came after", () => {
    const row = fold([created, retagged, deleted]);
    for (const event of [created, retagged, deleted]) {
      const again = evolveTagMemory(row, event);
      expect(again).to.equal(row);
      expect(countChanges(row, again).size).to.equal(0);
    }
  });

  it("keeps no row for a memory until it carries a tag, then follows it as any other", () => {
    const untagged = { ...base, type: "MemoryCreated", streamVersion: 1, tags: [] };
    expect(fold([untagged])).to.equal(null);
    expect(fold([{ ...base, type: "MemoryCreated", streamVersion: 1 }])).to.equal(null);
    expect(fold([untagged, deleted])).to.equal(null);
    const tagged = fold([untagged, retagged]);
    expect(tagged).to.deep.equal({ ...base, version: 3, tags: ["b", "c"], deleted: false });
    expect(countChanges(null, tagged)).to.deep.equal(
      new Map([
        ["b", 1],
        ["c", 1],
      ]),
    );
    // A repeated creation after the row exists changes nothing.
    expect(evolveTagMemory(tagged, untagged)).to.equal(tagged);
  });

  it("archiving and other edits leave the counts alone", () => {
    const row = fold([created]);
    expect(evolveTagMemory(row, { ...base, type: "MemoryArchived", streamVersion: 2 })).to.equal(row);
  });

  it("keeps tag settings by stream version, and retiring clears them", () => {
    const styled = evolveTagStyle(null, {
      type: "TagStyled",
      ownerId: "alice",
      name: "a",
      color: "#000000",
      parent: "p",
      streamVersion: 1,
    });
    expect(styled).to.include({ color: "#000000", parent: "p", retired: false });
    const retired = evolveTagStyle(styled, {
      type: "TagRetired",
      ownerId: "alice",
      name: "a",
      streamVersion: 2,
    });
    expect(retired).to.include({ color: null, parent: null, retired: true });
    expect(
      evolveTagStyle(retired, { type: "TagStyled", ownerId: "alice", name: "a", streamVersion: 1 }),
    ).to.equal(retired);
  });
});
