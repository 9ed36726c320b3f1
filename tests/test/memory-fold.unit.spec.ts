import { expect } from "chai";
import fc from "fast-check";
import {
  MEMORY_TYPES,
  memoryView,
  type AttachmentEventEnvelope,
  type Memory,
  type MemoryCreatedData,
  type MemoryEditedData,
  type MemoryEventEnvelope,
  type MemoryFoldEvent,
} from "@second-brain/contracts";
import { evolveMemoryRow, toMemory as rowToMemory } from "@second-brain/memory-views";
import { foldMemory, toMemory } from "@second-brain/memory-service";
import { evolveSearchDocument } from "@second-brain/search-index";
import type { MemoryRow, SearchDocument } from "@second-brain/read-models";

// The write side, the memories read model and the search read model fold one memory with the same
// fold (packages/contracts/src/memory-fold.ts). Whatever valid history a memory has, each of them
// shows a client the same memory after every event, or agrees that it is gone.

const ID = "11111111-1111-4111-8111-111111111111";
const OWNER = "owner-1";
const at = (step: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, step)).toISOString();

/** What a user may do next; turned into events only where the memory's state allows it. */
type Step =
  | { kind: "edit"; data: Omit<MemoryEditedData, "memoryId"> }
  | { kind: "tags"; tags: string[] }
  | { kind: "link"; targetId: string; linkType: string }
  | { kind: "archive" }
  | { kind: "restore" }
  | { kind: "delete" }
  | { kind: "attach"; attachmentId: string }
  | { kind: "detach"; attachmentId: string }
  | { kind: "unknown" };

const text = fc.string({ maxLength: 12 });
const tags = fc.uniqueArray(fc.constantFrom("home", "work", "idea", "later"), { maxLength: 3 });
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const attachmentId = fc.constantFrom("a1", "a2", "a3");

const createdData: fc.Arbitrary<MemoryCreatedData> = fc.record({
  memoryId: fc.constant(ID),
  title: fc.option(text, { nil: null }),
  content: text,
  type: fc.constantFrom(...MEMORY_TYPES),
  status: fc.constantFrom("draft" as const, "active" as const),
  tags,
  importance: unit,
  confidence: unit,
  metadata: fc.dictionary(fc.constantFrom("k", "source"), fc.string({ maxLength: 4 })),
  sourceUrl: fc.option(fc.webUrl(), { nil: null }),
  sessionId: fc.constant(null),
  requestHash: fc.option(fc.constantFrom("h1", "h2"), { nil: null }),
});

const editData = fc.record(
  {
    title: fc.option(text, { nil: null }),
    content: text,
    type: fc.constantFrom(...MEMORY_TYPES),
    importance: unit,
    confidence: unit,
    sourceUrl: fc.option(fc.webUrl(), { nil: null }),
    status: fc.constantFrom("draft" as const, "active" as const),
    metadata: fc.dictionary(fc.constantFrom("k", "other"), fc.string({ maxLength: 4 })),
  },
  { requiredKeys: [] },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  editData.map((data) => ({ kind: "edit" as const, data })),
  tags.map((value) => ({ kind: "tags" as const, tags: value })),
  fc.record({
    kind: fc.constant("link" as const),
    targetId: fc.constantFrom("t1", "t2"),
    linkType: fc.constantFrom("related", "follows"),
  }),
  fc.constant({ kind: "archive" as const }),
  fc.constant({ kind: "restore" as const }),
  fc.constant({ kind: "delete" as const }),
  attachmentId.map((id) => ({ kind: "attach" as const, attachmentId: id })),
  attachmentId.map((id) => ({ kind: "detach" as const, attachmentId: id })),
  fc.constant({ kind: "unknown" as const }),
);

/** A history the write side could have recorded: each step only where the domain allows it. */
function history(created: MemoryCreatedData, steps: readonly Step[]): MemoryFoldEvent[] {
  let version = 1;
  let status: Memory["status"] = created.status;
  const metadata = (n: number) => ({ ownerId: OWNER, occurredAt: at(n) });
  const events: MemoryFoldEvent[] = [
    { type: "MemoryCreated", data: created, streamVersion: 1, metadata: metadata(0) },
  ];
  const record = (type: string, data: object) => {
    version += 1;
    events.push({
      type,
      data: { memoryId: ID, ...data },
      streamVersion: version,
      metadata: metadata(events.length),
    } as MemoryEventEnvelope);
  };
  const attachment = (event: Omit<AttachmentEventEnvelope, "metadata">) =>
    events.push({ ...event, metadata: metadata(events.length) } as AttachmentEventEnvelope);
  for (const next of steps) {
    if (status === "deleted") break;
    switch (next.kind) {
      case "edit": {
        // An archived memory's status changes only by restoring it (services/memory/src/domain/decide.ts).
        const { status: wanted, ...rest } = next.data;
        const settable = status !== "archived" && wanted !== undefined;
        if (settable) status = wanted;
        record("MemoryEdited", settable ? { ...rest, status: wanted } : rest);
        break;
      }
      case "tags":
        record("MemoryTagsSet", { tags: next.tags });
        break;
      case "link":
        record("MemoryLinked", { targetId: next.targetId, linkType: next.linkType });
        break;
      case "archive":
        if (status !== "archived") ((status = "archived"), record("MemoryArchived", {}));
        break;
      case "restore":
        if (status === "archived") ((status = "active"), record("MemoryRestored", {}));
        break;
      case "delete":
        status = "deleted";
        record("MemoryDeleted", {});
        break;
      case "attach":
        attachment({
          type: "AttachmentAdded",
          data: {
            attachmentId: next.attachmentId,
            memoryId: ID,
            filename: `${next.attachmentId}.txt`,
            contentType: "text/plain",
            size: 3,
            sha256: "abc",
          },
        });
        break;
      case "detach":
        attachment({ type: "AttachmentDeleted", data: { attachmentId: next.attachmentId, memoryId: ID } });
        break;
      case "unknown":
        // A newer writer's event type: every fold skips it but keeps the version in step.
        record("MemoryPinned", {});
        break;
    }
  }
  return events;
}

/** What each side shows a client after `events`; null when the memory is not there. */
function writeSide(events: readonly MemoryFoldEvent[]): Memory | null {
  const state = foldMemory(events);
  return state && !state.deleted ? toMemory(state) : null;
}

function memoriesReadModel(events: readonly MemoryFoldEvent[]): Memory | null {
  const row = events.reduce<MemoryRow | null>(evolveMemoryRow, null);
  return row && row.status !== "deleted" ? rowToMemory(row) : null;
}

function searchReadModel(events: readonly MemoryFoldEvent[]): Memory | null {
  const doc = events.reduce<SearchDocument | null>(evolveSearchDocument, null);
  return doc && memoryView(doc);
}

/** At-least-once delivery: the read models may see an event again right after it. */
const redelivered = (events: readonly MemoryFoldEvent[], again: readonly boolean[]) =>
  events.flatMap((event, i) => (again[i] ? [event, event] : [event]));

describe("one memory fold for the write side and both read models", () => {
  it("shows the same memory after every event of any valid history", () => {
    fc.assert(
      fc.property(
        createdData,
        fc.array(step, { maxLength: 25 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (created, steps, again) => {
          const events = history(created, steps);
          for (let n = 1; n <= events.length; n++) {
            const prefix = events.slice(0, n);
            const expected = writeSide(prefix);
            const delivered = redelivered(prefix, again);
            expect(memoriesReadModel(delivered), `memories after ${n}`).to.deep.equal(expected);
            expect(searchReadModel(delivered), `search after ${n}`).to.deep.equal(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("restores an archived draft as a draft, and keeps one link per target and type", () => {
    const created = { ...fc.sample(createdData, { numRuns: 1, seed: 8 })[0]!, status: "draft" as const };
    const link = { kind: "link", targetId: "t1", linkType: "related" } as const;
    const events = history(created, [link, link, { kind: "archive" }, { kind: "restore" }]);
    for (const fold of [writeSide, memoriesReadModel, searchReadModel]) {
      expect(fold(events)).to.deep.include({ status: "draft", links: [{ targetId: "t1", type: "related" }] });
    }
  });
});
