import { expect } from "chai";
import {
  AlreadyExistsError,
  DEFAULT_LIMITS,
  DEFAULT_QUOTAS,
  IllegalStateError,
  NotFoundError,
  QuotaExceededError,
  ValidationError,
  type MemoryCreatedData,
  type MemoryEvent,
} from "@second-brain/contracts";
import { badFields, DeciderSpecification } from "@second-brain/testing";
import {
  memoryDecider,
  type CreateMemory,
  type EditMemory,
  type MemoryCommand,
} from "../src/domain/decide.ts";

const given = (events: MemoryEvent[], limits = DEFAULT_LIMITS) =>
  DeciderSpecification.for(memoryDecider(limits))(events);

const ID = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const now = new Date("2026-02-01T10:00:00.000Z");
const metadata = { now };

const create = (data: Partial<CreateMemory["data"]> = {}): CreateMemory => ({
  type: "CreateMemory",
  data: { memoryId: ID, content: "Remember the milk", ...data },
  metadata,
});
const edit = (data: Omit<EditMemory["data"], "memoryId">): EditMemory => ({
  type: "EditMemory",
  data: { memoryId: ID, ...data },
  metadata,
});
const simple = (type: "ArchiveMemory" | "RestoreMemory" | "DeleteMemory"): MemoryCommand => ({
  type,
  data: { memoryId: ID },
  metadata,
});
const setTags = (tags: unknown): MemoryCommand => ({
  type: "SetTags",
  data: { memoryId: ID, tags: tags as string[] },
  metadata,
});
const link = (targetId: string, linkType: string): MemoryCommand => ({
  type: "LinkMemory",
  data: { memoryId: ID, targetId, linkType },
  metadata,
});

const createdData: MemoryCreatedData = {
  memoryId: ID,
  title: null,
  content: "Remember the milk",
  type: "semantic",
  status: "active",
  tags: [],
  importance: 0.5,
  confidence: 1,
  metadata: {},
  sourceUrl: null,
  sessionId: null,
  requestHash: null,
};
const created: MemoryEvent = { type: "MemoryCreated", data: createdData };
const archived: MemoryEvent = { type: "MemoryArchived", data: { memoryId: ID } };
const deleted: MemoryEvent = { type: "MemoryDeleted", data: { memoryId: ID } };

const refusedFor =
  (...fields: string[]) =>
  (error: Error) =>
    expect(badFields(error)).to.include.members(fields);

describe("memory decider", () => {
  describe("CreateMemory", () => {
    it("creates with the documented defaults", () => given([]).when(create()).then([created]));

    it("keeps every given field, trimming the title and normalising tags", () => {
      const keptAsGiven = {
        type: "episodic",
        status: "draft",
        importance: 0,
        confidence: 0.25,
        metadata: { source: "chat", n: 1 },
        sourceUrl: "https://example.org/a?b=c",
        sessionId: OTHER,
        requestHash: "abc",
      } as const;
      given([])
        .when(create({ ...keptAsGiven, title: "  Groceries ", tags: [" Food", "food", "SHOPPING "] }))
        .then([
          {
            type: "MemoryCreated",
            data: { ...createdData, ...keptAsGiven, title: "Groceries", tags: ["food", "shopping"] },
          },
        ]);
    });

    it("treats a blank title as no title", () =>
      given([])
        .when(create({ title: "   " }))
        .then([created]));

    it("refuses missing, blank and over-long content", () => {
      given([])
        .when(create({ content: undefined as unknown as string }))
        .thenThrows(ValidationError, refusedFor("content"));
      given([])
        .when(create({ content: " \n\t " }))
        .thenThrows(ValidationError, refusedFor("content"));
      given([], { ...DEFAULT_LIMITS, maxContentChars: 5 })
        .when(create({ content: "123456" }))
        .thenThrows(ValidationError, refusedFor("content"));
      given([], { ...DEFAULT_LIMITS, maxContentChars: 5 })
        .when(create({ content: "12345" }))
        .then([{ type: "MemoryCreated", data: { ...createdData, content: "12345" } }]);
    });

    it("refuses an over-long title", () =>
      given([], { ...DEFAULT_LIMITS, maxTitleChars: 3 })
        .when(create({ title: "abcd" }))
        .thenThrows(ValidationError, refusedFor("title")));

    it("refuses an unknown type and a status other than draft or active", () => {
      given([])
        .when(create({ type: "dream" }))
        .thenThrows(ValidationError, refusedFor("type"));
      for (const status of ["archived", "deleted", "whatever"]) {
        given([]).when(create({ status })).thenThrows(ValidationError, refusedFor("status"));
      }
    });

    it("refuses importance and confidence outside 0..1", () => {
      for (const bad of [-0.1, 1.01, Number.NaN, Number.POSITIVE_INFINITY, "0.5" as unknown as number]) {
        given([])
          .when(create({ importance: bad, confidence: bad }))
          .thenThrows(ValidationError, refusedFor("importance", "confidence"));
      }
    });

    it("refuses empty, over-long and too many tags", () => {
      given([])
        .when(create({ tags: ["ok", "  "] }))
        .thenThrows(ValidationError, refusedFor("tags[1]"));
      given([])
        .when(create({ tags: ["x".repeat(65)] }))
        .thenThrows(ValidationError, refusedFor("tags[0]"));
      given([])
        .when(create({ tags: [42 as unknown as string] }))
        .thenThrows(ValidationError, refusedFor("tags[0]"));
      given([])
        .when(create({ tags: "a,b" as unknown as string[] }))
        .thenThrows(ValidationError, refusedFor("tags"));
      given([], { ...DEFAULT_LIMITS, maxTags: 2 })
        .when(create({ tags: ["a", "b", "c"] }))
        .thenThrows(ValidationError, refusedFor("tags"));
      // Duplicates count once against the limit.
      given([], { ...DEFAULT_LIMITS, maxTags: 2 })
        .when(create({ tags: ["a", "A", "b"] }))
        .then([{ type: "MemoryCreated", data: { ...createdData, tags: ["a", "b"] } }]);
    });

    it("refuses metadata that is not a JSON object or is too large", () => {
      for (const bad of [[1, 2], "text", 3, null]) {
        given([])
          .when(create({ metadata: bad as unknown as Record<string, unknown> }))
          .thenThrows(ValidationError, refusedFor("metadata"));
      }
      given([], { ...DEFAULT_LIMITS, maxMetadataBytes: 10 })
        .when(create({ metadata: { long: "0123456789" } }))
        .thenThrows(ValidationError, refusedFor("metadata"));
    });

    it("refuses a source URL that is not http(s)", () => {
      for (const bad of [
        "ftp://example.org/x",
        "javascript:alert(1)",
        "not a url",
        `https://x.org/${"a".repeat(2100)}`,
      ]) {
        given([])
          .when(create({ sourceUrl: bad }))
          .thenThrows(ValidationError, refusedFor("sourceUrl"));
      }
    });

    it("refuses a session id that is not a UUID", () =>
      given([])
        .when(create({ sessionId: "session-1" }))
        .thenThrows(ValidationError, refusedFor("sessionId")));

    it("lists every bad field at once", () =>
      given([])
        .when(create({ content: "", type: "x", importance: 2, sourceUrl: "x" }))
        .thenThrows(ValidationError, (error) =>
          expect(badFields(error)).to.have.members(["content", "type", "importance", "sourceUrl"]),
        ));

    it("refuses to create a memory that already exists", () =>
      given([created]).when(create()).thenThrows(AlreadyExistsError));
  });

  describe("EditMemory", () => {
    it("emits only the fields that change", () =>
      given([created])
        .when(edit({ title: "New", content: "Remember the milk", importance: 0.9, metadata: {} }))
        .then([{ type: "MemoryEdited", data: { memoryId: ID, title: "New", importance: 0.9 } }]));

    it("clears the title and source URL with null", () =>
      given([{ type: "MemoryCreated", data: { ...createdData, title: "T", sourceUrl: "http://a.b/" } }])
        .when(edit({ title: null, sourceUrl: null }))
        .then([{ type: "MemoryEdited", data: { memoryId: ID, title: null, sourceUrl: null } }]));

    it("compares metadata by value, not key order", () =>
      given([{ type: "MemoryCreated", data: { ...createdData, metadata: { a: 1, b: 2 } } }])
        .when(edit({ metadata: { b: 2, a: 1 } }))
        .then([]));

    it("emits nothing when nothing changes (or nothing is given)", () => {
      given([created])
        .when(edit({ content: "Remember the milk", type: "semantic", status: "active" }))
        .then([]);
      given([created]).when(edit({})).then([]);
    });

    it("moves between draft and active", () =>
      given([created])
        .when(edit({ status: "draft" }))
        .then([{ type: "MemoryEdited", data: { memoryId: ID, status: "draft" } }]));

    it("validates like create", () =>
      given([created])
        .when(edit({ content: " ", type: "x", confidence: -1, status: "archived", metadata: [] as never }))
        .thenThrows(ValidationError, refusedFor("content", "type", "confidence", "status", "metadata")));

    it("edits an archived memory's fields but not its status", () => {
      given([created, archived])
        .when(edit({ content: "Still archived" }))
        .then([{ type: "MemoryEdited", data: { memoryId: ID, content: "Still archived" } }]);
      given([created, archived])
        .when(edit({ status: "active" }))
        .thenThrows(IllegalStateError);
    });

    it("does not find a memory that was never created or was deleted", () => {
      given([])
        .when(edit({ content: "x" }))
        .thenThrows(NotFoundError);
      given([created, deleted])
        .when(edit({ content: "x" }))
        .thenThrows(NotFoundError);
    });
  });

  describe("SetTags", () => {
    it("replaces the tags, normalised", () =>
      given([created])
        .when(setTags([" Work ", "work", "Urgent"]))
        .then([{ type: "MemoryTagsSet", data: { memoryId: ID, tags: ["work", "urgent"] } }]));

    it("clears the tags with an empty list", () =>
      given([{ type: "MemoryCreated", data: { ...createdData, tags: ["a"] } }])
        .when(setTags([]))
        .then([{ type: "MemoryTagsSet", data: { memoryId: ID, tags: [] } }]));

    it("emits nothing when the tags are the same", () =>
      given([{ type: "MemoryCreated", data: { ...createdData, tags: ["a", "b"] } }])
        .when(setTags(["A", " b"]))
        .then([]));

    it("refuses bad tags, a missing list and a deleted memory", () => {
      given([created])
        .when(setTags([""]))
        .thenThrows(ValidationError, refusedFor("tags[0]"));
      given([created]).when(setTags(undefined)).thenThrows(ValidationError, refusedFor("tags"));
      given([created, deleted])
        .when(setTags(["a"]))
        .thenThrows(NotFoundError);
    });
  });

  describe("LinkMemory", () => {
    it("links to another memory", () =>
      given([created])
        .when(link(OTHER, " related "))
        .then([{ type: "MemoryLinked", data: { memoryId: ID, targetId: OTHER, linkType: "related" } }]));

    it("ignores a duplicate link but accepts another type to the same target", () => {
      const linked: MemoryEvent = {
        type: "MemoryLinked",
        data: { memoryId: ID, targetId: OTHER, linkType: "related" },
      };
      given([created, linked]).when(link(OTHER, "related")).then([]);
      given([created, linked])
        .when(link(OTHER, "follows"))
        .then([{ type: "MemoryLinked", data: { memoryId: ID, targetId: OTHER, linkType: "follows" } }]);
    });

    it("refuses a link to itself, a bad target and a bad type", () => {
      given([created])
        .when(link(ID.toUpperCase(), "related"))
        .thenThrows(ValidationError, refusedFor("targetId"));
      given([created]).when(link("nope", "related")).thenThrows(ValidationError, refusedFor("targetId"));
      given([created]).when(link(OTHER, "  ")).thenThrows(ValidationError, refusedFor("type"));
      given([created])
        .when(link(OTHER, "x".repeat(65)))
        .thenThrows(ValidationError, refusedFor("type"));
    });

    it("does not find a deleted memory", () =>
      given([created, deleted]).when(link(OTHER, "related")).thenThrows(NotFoundError));
  });

  describe("ArchiveMemory, RestoreMemory, DeleteMemory", () => {
    it("archives, and archiving again is a no-op", () => {
      given([created]).when(simple("ArchiveMemory")).then([archived]);
      given([created, archived]).when(simple("ArchiveMemory")).then([]);
    });

    it("restores only an archived memory", () => {
      given([created, archived])
        .when(simple("RestoreMemory"))
        .then([{ type: "MemoryRestored", data: { memoryId: ID } }]);
      given([created]).when(simple("RestoreMemory")).thenThrows(IllegalStateError);
    });

    it("deletes, and a deleted memory is not found again", () => {
      given([created]).when(simple("DeleteMemory")).then([deleted]);
      given([created, archived]).when(simple("DeleteMemory")).then([deleted]);
      for (const type of ["ArchiveMemory", "RestoreMemory", "DeleteMemory"] as const) {
        given([created, deleted]).when(simple(type)).thenThrows(NotFoundError);
        given([]).when(simple(type)).thenThrows(NotFoundError);
      }
    });
  });
});

describe("memory decider quotas", () => {
  const withQuotas = (events: MemoryEvent[], quotas: Partial<typeof DEFAULT_QUOTAS>) =>
    DeciderSpecification.for(memoryDecider(DEFAULT_LIMITS, { ...DEFAULT_QUOTAS, ...quotas }))(events);
  const over = (quota: string, limit: number, used: number) => (error: Error) =>
    expect((error as QuotaExceededError).details).to.deep.equal({ quota, limit, used });
  // "Remember the milk" (17 bytes) and metadata {} (2 bytes).
  const createdBytes = 19;

  it("refuses a create over the memories quota, and one whose bytes go over storedBytes", () => {
    withQuotas([], { memories: 3 })
      .when(create({ usage: { memories: 2, storedBytes: 0 } }))
      .then([created]);
    withQuotas([], { memories: 3 })
      .when(create({ usage: { memories: 3, storedBytes: 0 } }))
      .thenThrows(QuotaExceededError, over("memories", 3, 3));
    withQuotas([], { storedBytes: 100 })
      .when(create({ usage: { memories: 0, storedBytes: 100 - createdBytes } }))
      .then([created]);
    withQuotas([], { storedBytes: 100 })
      .when(create({ usage: { memories: 0, storedBytes: 101 - createdBytes } }))
      .thenThrows(QuotaExceededError, over("storedBytes", 100, 101 - createdBytes));
  });

  it("checks nothing per user without usage, or with the quota off", () => {
    withQuotas([], { memories: 1 }).when(create()).then([created]);
    withQuotas([], { memories: 0, storedBytes: 0 })
      .when(create({ usage: { memories: 10, storedBytes: 10 } }))
      .then([created]);
  });

  it("refuses an edit that grows the memory past storedBytes, not one that shrinks it", () => {
    withQuotas([created], { storedBytes: 100 })
      .when(edit({ content: "x".repeat(50), usage: { memories: 1, storedBytes: 90 } }))
      .thenThrows(QuotaExceededError, over("storedBytes", 100, 90));
    withQuotas([created], { storedBytes: 100 })
      .when(edit({ content: "milk", usage: { memories: 1, storedBytes: 200 } }))
      .then([{ type: "MemoryEdited", data: { memoryId: ID, content: "milk" } }]);
  });

  it("refuses the command that would put more than editsPerMemory events in the stream", () => {
    withQuotas([created, archived], { editsPerMemory: 3 })
      .when(simple("RestoreMemory"))
      .then([{ type: "MemoryRestored", data: { memoryId: ID } }]);
    withQuotas([created, archived, { type: "MemoryRestored", data: { memoryId: ID } }], { editsPerMemory: 3 })
      .when(setTags(["more"]))
      .thenThrows(QuotaExceededError, over("editsPerMemory", 3, 3));
  });

  it("always lets the owner delete, and counts no events with the quota off", () => {
    withQuotas([created, archived], { editsPerMemory: 2 }).when(simple("DeleteMemory")).then([deleted]);
    withQuotas([created, archived], { editsPerMemory: 0 })
      .when(simple("RestoreMemory"))
      .then([{ type: "MemoryRestored", data: { memoryId: ID } }]);
  });
});
