import { expect } from "chai";
import type { AttachmentEventEnvelope, MemoryEventEnvelope } from "@second-brain/contracts";
import { versionCheck, type MemoryRow } from "@second-brain/read-models";
import { memoryCreatedData } from "@second-brain/testing";
import { evolveMemoryRow, toMemory } from "../src/read-model/memories.evolve.ts";

type DecryptedMemoryEvent = MemoryEventEnvelope;

const ID = "11111111-1111-4111-8111-111111111111";
const OWNER = "owner-1";
const T0 = "2026-11-26T10:00:00.000Z";
const T1 = "2026-11-26T11:00:00.000Z";

const created = memoryCreatedData(ID, {
  title: "Groceries",
  content: "Buy oat milk",
  tags: ["home", "shopping"],
  confidence: 0.9,
  metadata: { source: "chat" },
});

function event(type: string, data: object, streamVersion: number, occurredAt = T1): DecryptedMemoryEvent {
  return {
    type,
    data: { memoryId: ID, ...data },
    streamVersion,
    metadata: { ownerId: OWNER, occurredAt },
  } as DecryptedMemoryEvent;
}

const fold = (...events: DecryptedMemoryEvent[]) =>
  events.reduce<MemoryRow | null>((row, next) => evolveMemoryRow(row, next), null);

const base = () => fold(event("MemoryCreated", created, 1, T0))!;

describe("evolveMemoryRow", () => {
  it("MemoryCreated makes the row, owned, at the event's version", () => {
    expect(base()).to.deep.equal({
      id: ID,
      ownerId: OWNER,
      version: 1,
      title: "Groceries",
      content: "Buy oat milk",
      type: "semantic",
      status: "active",
      tags: ["home", "shopping"],
      importance: 0.5,
      confidence: 0.9,
      links: [],
      sourceUrl: null,
      sessionId: null,
      attachments: [],
      metadata: { source: "chat" },
      createdAt: T0,
      updatedAt: T0,
      statusBeforeArchive: "active",
    });
  });

  it("MemoryEdited changes only the fields present", () => {
    const row = evolveMemoryRow(
      base(),
      event("MemoryEdited", { content: "Buy soy milk", importance: 0.8 }, 2),
    )!;
    expect(row).to.include({
      content: "Buy soy milk",
      importance: 0.8,
      title: "Groceries",
      version: 2,
      updatedAt: T1,
    });
    expect(row.createdAt).to.equal(T0);
  });

  it("MemoryEdited can clear a nullable field", () => {
    const row = evolveMemoryRow(base(), event("MemoryEdited", { title: null, status: "draft" }, 2))!;
    expect(row.title).to.equal(null);
    expect(row.status).to.equal("draft");
  });

  it("MemoryTagsSet replaces the tags", () => {
    expect(evolveMemoryRow(base(), event("MemoryTagsSet", { tags: ["errands"] }, 2))!.tags).to.deep.equal([
      "errands",
    ]);
  });

  it("MemoryLinked adds a link once", () => {
    const link = { targetId: "22222222-2222-4222-8222-222222222222", linkType: "related" };
    const row = fold(
      event("MemoryCreated", created, 1, T0),
      event("MemoryLinked", link, 2),
      event("MemoryLinked", link, 3),
    )!;
    expect(row.links).to.deep.equal([{ targetId: link.targetId, type: "related" }]);
    expect(row.version).to.equal(3);
  });

  it("restores an archived draft as a draft", () => {
    const draft = fold(event("MemoryCreated", { ...created, status: "draft" }, 1, T0));
    const archived = evolveMemoryRow(draft, event("MemoryArchived", {}, 2))!;
    expect(archived).to.include({ status: "archived", statusBeforeArchive: "draft" });
    expect(evolveMemoryRow(archived, event("MemoryRestored", {}, 3))!.status).to.equal("draft");
  });

  it("MemoryArchived, MemoryRestored and MemoryDeleted set the status", () => {
    const archived = evolveMemoryRow(base(), event("MemoryArchived", {}, 2))!;
    expect(archived.status).to.equal("archived");
    const restored = evolveMemoryRow(archived, event("MemoryRestored", {}, 3))!;
    expect(restored.status).to.equal("active");
    const deleted = evolveMemoryRow(restored, event("MemoryDeleted", {}, 4))!;
    expect(deleted).to.include({ status: "deleted", version: 4 });
  });

  it("ignores an event the row already reflects (redelivery)", () => {
    const edited = evolveMemoryRow(base(), event("MemoryEdited", { content: "v2" }, 2))!;
    expect(evolveMemoryRow(edited, event("MemoryEdited", { content: "old" }, 2))).to.equal(edited);
    expect(evolveMemoryRow(edited, event("MemoryCreated", created, 1))).to.equal(edited);
  });

  it("a late duplicate of MemoryCreated does not bring back a deleted memory", () => {
    const deleted = fold(event("MemoryCreated", created, 1, T0), event("MemoryDeleted", {}, 2))!;
    expect(evolveMemoryRow(deleted, event("MemoryCreated", created, 1))!.status).to.equal("deleted");
  });

  it("an event for an unknown memory yields nothing", () => {
    expect(evolveMemoryRow(null, event("MemoryEdited", { content: "x" }, 2))).to.equal(null);
    expect(evolveMemoryRow(null, event("MemoryDeleted", {}, 3))).to.equal(null);
  });

  it("does not share arrays with the event", () => {
    const data = { ...created, tags: ["a"] };
    const row = evolveMemoryRow(null, event("MemoryCreated", data, 1))!;
    data.tags.push("b");
    expect(row.tags).to.deep.equal(["a"]);
  });
});

describe("versionCheck", () => {
  it("applies the next version, skips applied ones and flags gaps", () => {
    const row = base();
    expect(versionCheck(null, 1)).to.equal("apply");
    expect(versionCheck(row, 2)).to.equal("apply");
    expect(versionCheck(row, 1)).to.equal("applied");
    expect(versionCheck(row, 3)).to.equal("gap");
  });
});

describe("toMemory", () => {
  it("drops the owner and the status to restore", () => {
    const memory = toMemory(base());
    expect(memory).to.not.have.property("ownerId");
    expect(memory).to.not.have.property("statusBeforeArchive");
    expect(memory.id).to.equal(ID);
  });
});

describe("attachments on the memories read model", () => {
  const ref = { id: "a1", filename: "notes.pdf", contentType: "application/pdf", size: 10, sha256: "ab" };
  const meta = { ownerId: OWNER, occurredAt: T1 };
  const added: AttachmentEventEnvelope = {
    type: "AttachmentAdded",
    data: {
      attachmentId: ref.id,
      memoryId: ID,
      filename: ref.filename,
      contentType: ref.contentType,
      size: 10,
      sha256: "ab",
    },
    metadata: meta,
  };
  const deleted = (attachmentId: string): AttachmentEventEnvelope => ({
    type: "AttachmentDeleted",
    data: { attachmentId, memoryId: ID },
    metadata: meta,
  });

  it("lists an added attachment once, however often the fact is delivered", () => {
    const once = evolveMemoryRow(base(), added)!;
    expect(once.attachments).to.deep.equal([ref]);
    expect(evolveMemoryRow(once, added)).to.equal(once);
    expect(once.version).to.equal(base().version);
  });

  it("drops a deleted attachment, and ignores the removal of one it does not list", () => {
    const listed = evolveMemoryRow(base(), added)!;
    expect(evolveMemoryRow(listed, deleted("a1"))!.attachments).to.deep.equal([]);
    expect(evolveMemoryRow(listed, deleted("zz"))).to.equal(listed);
  });
});
