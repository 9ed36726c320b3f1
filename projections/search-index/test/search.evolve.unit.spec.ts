import { expect } from "chai";
import type { MemoryEvent, MemoryEventEnvelope } from "@second-brain/contracts";
import { documentsTable, modelSlug, versionCheck, type SearchDocument } from "@second-brain/read-models";
import { embeddingText, evolveSearchDocument } from "../src/read-model/search.evolve.ts";

type DecryptedMemoryEvent = MemoryEventEnvelope;
import { hashedVector, memoryCreatedData } from "@second-brain/testing";

const owner = "owner-1";
const id = "00000000-0000-4000-8000-000000000001";
let version = 0;
const at = (v: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, v)).toISOString();
function event(e: MemoryEvent, v = ++version): DecryptedMemoryEvent {
  return { ...e, streamVersion: v, metadata: { ownerId: owner, occurredAt: at(v) } } as DecryptedMemoryEvent;
}
function given(...events: MemoryEvent[]): SearchDocument | null {
  version = 0;
  return events.reduce<SearchDocument | null>((doc, e) => evolveSearchDocument(doc, event(e)), null);
}
const created: MemoryEvent = {
  type: "MemoryCreated",
  data: memoryCreatedData(id, { title: "Launch", content: "We ship on Friday", tags: ["work"] }),
};

describe("search document evolve", () => {
  it("creates a document without a vector (embedded before the batch commits)", () => {
    const doc = given(created)!;
    expect(doc).to.include({
      id,
      ownerId: owner,
      version: 1,
      title: "Launch",
      status: "active",
      embedding: null,
    });
    expect(doc.tags).to.deep.equal(["work"]);
  });

  it("keeps the vector when only tags or status change, drops it when the text changes", () => {
    const doc = { ...given(created)!, embedding: [1, 0] };
    version = 1;
    const tagged = evolveSearchDocument(
      doc,
      event({ type: "MemoryTagsSet", data: { memoryId: id, tags: ["x"] } }),
    )!;
    expect(tagged.embedding).to.deep.equal([1, 0]);
    const archived = evolveSearchDocument(tagged, event({ type: "MemoryArchived", data: { memoryId: id } }))!;
    expect(archived).to.include({ status: "archived", version: 3 });
    expect(archived.embedding).to.deep.equal([1, 0]);
    const importance = evolveSearchDocument(
      archived,
      event({ type: "MemoryEdited", data: { memoryId: id, importance: 1 } }),
    )!;
    expect(importance.embedding).to.deep.equal([1, 0]);
    const reworded = evolveSearchDocument(
      importance,
      event({ type: "MemoryEdited", data: { memoryId: id, content: "Moved to Monday" } }),
    )!;
    expect(reworded).to.include({ content: "Moved to Monday", embedding: null, version: 5 });
  });

  it("removes a deleted memory, and ignores later events of a memory it does not hold", () => {
    expect(given(created, { type: "MemoryDeleted", data: { memoryId: id } })).to.equal(null);
    expect(evolveSearchDocument(null, event({ type: "MemoryArchived", data: { memoryId: id } }, 3))).to.equal(
      null,
    );
  });

  it("is idempotent by stream version and reports gaps", () => {
    const doc = given(created)!;
    expect(evolveSearchDocument(doc, event(created, 1))).to.equal(doc);
    expect(versionCheck(doc, 1)).to.equal("applied");
    expect(versionCheck(doc, 2)).to.equal("apply");
    expect(versionCheck(doc, 3)).to.equal("gap");
  });

  it("embeds title and content, cut to a bounded window", () => {
    expect(embeddingText({ title: "T", content: "c" })).to.equal("T\nc");
    expect(embeddingText({ title: null, content: "x".repeat(10_000) })).to.have.length(4_000);
  });
});

describe("model slugs and tables", () => {
  it("turns model names into identifiers", () => {
    expect(modelSlug("use-lite-512")).to.equal("use_lite_512");
    expect(documentsTable("openai/text-embedding-3-small@512")).to.match(/^search_documents_[a-z0-9_]+$/);
    expect(modelSlug("a".repeat(80))).to.have.length.at.most(32);
    expect(modelSlug("a".repeat(80))).not.to.equal(modelSlug("a".repeat(79)));
  });
});

describe("hashed test embedder", () => {
  it("is deterministic and unit length", () => {
    const v = hashedVector("the quick brown fox", 64);
    expect(v).to.deep.equal(hashedVector("the quick brown fox", 64));
    expect(Math.hypot(...v)).to.be.closeTo(1, 1e-9);
  });
});
