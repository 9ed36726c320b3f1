import { expect } from "chai";
import type { MemoryEvent } from "@second-brain/contracts";
import { foldMemory, toMemory, type MemoryFields } from "../src/domain/memory.ts";

const ID = "11111111-1111-4111-8111-111111111111";
const OWNER = "owner-1";
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const recorded = (events: MemoryEvent[]) =>
  events.map((event, index) => ({
    ...event,
    streamVersion: index + 1,
    metadata: { occurredAt: at(index), ownerId: OWNER },
  }));

const created: MemoryEvent = {
  type: "MemoryCreated",
  data: {
    memoryId: ID,
    title: "T",
    content: "c",
    type: "semantic",
    status: "draft",
    tags: ["a"],
    importance: 0.5,
    confidence: 1,
    metadata: { k: 1 },
    sourceUrl: null,
    sessionId: null,
    requestHash: null,
  },
};

describe("memory evolve", () => {
  it("starts with nothing, and takes owner, version and times from the recorded events", () => {
    expect(foldMemory([])).to.equal(null);
    const state = foldMemory(
      recorded([created, { type: "MemoryEdited", data: { memoryId: ID, title: null, importance: 0.9 } }]),
    ) as MemoryFields;
    expect(state).to.deep.include({ ownerId: OWNER, version: 2, title: null, content: "c", importance: 0.9 });
    expect([state.createdAt, state.updatedAt]).to.deep.equal([at(0), at(1)]);
  });

  it("restores an archived draft as a draft, and marks a deletion", () => {
    const archived = recorded([
      created,
      { type: "MemoryArchived", data: { memoryId: ID } },
      { type: "MemoryRestored", data: { memoryId: ID } },
    ]);
    expect(foldMemory(archived.slice(0, 2))!.status).to.equal("archived");
    expect(foldMemory(archived)!.status).to.equal("draft");
    const deleted = foldMemory(recorded([created, { type: "MemoryDeleted", data: { memoryId: ID } }]))!;
    expect(deleted).to.deep.include({ deleted: true, status: "deleted", version: 2 });
  });

  it("accumulates links, one per target and type, and replaces tags", () => {
    const state = foldMemory(
      recorded([
        created,
        { type: "MemoryTagsSet", data: { memoryId: ID, tags: ["b", "c"] } },
        { type: "MemoryLinked", data: { memoryId: ID, targetId: "t1", linkType: "related" } },
        { type: "MemoryLinked", data: { memoryId: ID, targetId: "t2", linkType: "follows" } },
        { type: "MemoryLinked", data: { memoryId: ID, targetId: "t1", linkType: "related" } },
      ]),
    ) as MemoryFields;
    expect(toMemory(state)).to.deep.include({
      id: ID,
      version: 5,
      tags: ["b", "c"],
      links: [
        { targetId: "t1", type: "related" },
        { targetId: "t2", type: "follows" },
      ],
      attachments: [],
    });
    expect(toMemory(state)).not.to.have.any.keys("ownerId", "deleted", "requestHash", "statusBeforeArchive");
  });

  it("skips an event type it does not know, keeping the version in step", () => {
    const unknown = { type: "MemoryPinned", data: { memoryId: ID } } as unknown as MemoryEvent;
    expect(foldMemory(recorded([created, unknown]))).to.deep.include({ version: 2, content: "c" });
  });
});
