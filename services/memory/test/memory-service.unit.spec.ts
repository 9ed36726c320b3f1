import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { DEFAULT_LIMITS, type Caller, type Memory } from "@second-brain/contracts";
import { createInMemoryKeyring, createInMemoryEventStore } from "@second-brain/testing";
import { rejectionOf, startMemoryBroker, type MemoryBroker } from "./support/memory-broker.ts";

const alice: Caller = { userId: "alice", role: "user" };
const at = new Date("2026-03-01T08:00:00.000Z");

describe("memory service actions (in-process broker, in-memory store)", () => {
  let memory: MemoryBroker;

  beforeEach(async () => {
    memory = await startMemoryBroker({
      store: createInMemoryEventStore(),
      keyring: createInMemoryKeyring(["alice", "bob"]),
      limits: DEFAULT_LIMITS,
      now: () => at,
    });
  });
  afterEach(() => memory.stop());

  const create = (params: object = { content: "hello" }) => memory.call<Memory>(alice, "create", params);

  it("refuses a call without a caller (401)", async () => {
    const error = await rejectionOf(memory.call(undefined, "create", { content: "x" }));
    expect([error.code, error.type]).to.deep.equal([401, "UNAUTHENTICATED"]);
  });

  it("refuses unknown fields, wrong types and ids that are not UUIDs", async () => {
    for (const [action, params] of [
      ["create", { content: "x", colour: "red" }],
      ["create", { content: 42 }],
      ["create", { content: "x", sessionId: "s1" }],
      ["archive", { id: "not-a-uuid" }],
      ["link", { id: randomUUID(), targetId: "x", type: "related" }],
    ] as const) {
      const error = await rejectionOf(memory.call(alice, action, params));
      expect(error.name, `${action} ${JSON.stringify(params)}`).to.equal("ValidationError");
    }
  });

  it("answers domain validation with every bad field (400)", async () => {
    const error = await rejectionOf(create({ content: " ", importance: 3, tags: [""] }));
    expect([error.code, error.type]).to.deep.equal([400, "VALIDATION_FAILED"]);
    expect((error.data as { field: string }[]).map((p) => p.field)).to.have.members([
      "content",
      "importance",
      "tags[0]",
    ]);
  });

  it("requires If-Match on edit (428) and checks it when sent elsewhere (409)", async () => {
    const created = await create();
    const missing = await rejectionOf(memory.call(alice, "edit", { id: created.id, content: "new" }));
    expect([missing.code, missing.type]).to.deep.equal([428, "PRECONDITION_REQUIRED"]);
    const edited = await memory.call<Memory>(
      alice,
      "edit",
      { id: created.id, content: "new" },
      { ifMatch: 1 },
    );
    expect(edited).to.deep.include({ content: "new", version: 2, updatedAt: at.toISOString() });
    const stale = await rejectionOf(memory.call(alice, "archive", { id: created.id }, { ifMatch: 1 }));
    expect([stale.code, stale.type, stale.data]).to.deep.equal([
      409,
      "VERSION_CONFLICT",
      { expectedVersion: 1, currentVersion: 2 },
    ]);
  });

  it("runs the whole life of a memory", async () => {
    const a = await create({ content: "a", title: "A", type: "episodic", status: "draft" });
    const b = await create({ content: "b" });
    expect(await memory.call(alice, "setTags", { id: a.id, tags: ["X", "y"] })).to.deep.include({
      tags: ["x", "y"],
      version: 2,
    });
    expect(await memory.call(alice, "link", { id: a.id, targetId: b.id, type: "related" })).to.deep.include({
      links: [{ targetId: b.id, type: "related" }],
    });
    expect(await memory.call(alice, "archive", { id: a.id })).to.deep.include({
      status: "archived",
      version: 4,
    });
    expect(await memory.call(alice, "archive", { id: a.id })).to.deep.include({
      status: "archived",
      version: 4,
    });
    expect(await memory.call(alice, "restore", { id: a.id })).to.deep.include({
      status: "draft",
      version: 5,
    });
    const restoreAgain = await rejectionOf(memory.call(alice, "restore", { id: a.id }));
    expect([restoreAgain.code, restoreAgain.type]).to.deep.equal([409, "ILLEGAL_STATE"]);
    expect(await memory.call(alice, "get", { id: a.id })).to.deep.include({
      status: "draft",
      version: 5,
      tags: ["x", "y"],
    });
    expect(await memory.call(alice, "delete", { id: a.id })).to.deep.equal({ id: a.id, version: 6 });
    expect(await rejectionOf(memory.call(alice, "get", { id: a.id }))).to.deep.include({ code: 404 });
    const gone = await rejectionOf(memory.call(alice, "history", { id: a.id }));
    expect([gone.code, gone.type]).to.deep.equal([404, "NOT_FOUND"]);
  });

  it("refuses a link to a memory the caller cannot see (400 on targetId)", async () => {
    const a = await create();
    const error = await rejectionOf(
      memory.call(alice, "link", { id: a.id, targetId: randomUUID(), type: "related" }),
    );
    expect([error.code, error.data]).to.deep.equal([
      400,
      [{ field: "targetId", message: "targetId must name one of your memories" }],
    ]);
  });

  it("refuses an asOf that is not a time", async () => {
    const a = await create();
    const error = await rejectionOf(memory.call(alice, "getAsOf", { id: a.id, asOf: "yesterday-ish" }));
    expect([error.code, error.type]).to.deep.equal([400, "VALIDATION_FAILED"]);
    expect(await memory.call(alice, "getAsOf", { id: a.id, asOf: at.toISOString() })).to.deep.include({
      id: a.id,
    });
  });
});
