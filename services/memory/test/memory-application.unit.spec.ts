import { randomUUID } from "node:crypto";
import { expect } from "chai";
import {
  AlreadyExistsError,
  DEFAULT_LIMITS,
  DEFAULT_QUOTAS,
  MEMORY_EVENT_SCHEMA_VERSION,
  NotFoundError,
  QuotaExceededError,
  ValidationError,
  VersionConflictError,
  memoryStreamId,
  type Caller,
} from "@second-brain/contracts";
import { keyedCommandId } from "@second-brain/platform";
import type { CallInfo } from "@second-brain/platform";
import type { MemoryDeps } from "../src/application/deps.ts";
import { createMemory, type CreateMemoryBody } from "../src/application/create-memory.ts";
import { handleCommand } from "../src/application/handle-command.ts";
import { linkMemory } from "../src/application/link-memory.ts";
import { readAsOf, readHistory } from "../src/application/read-history.ts";
import type { MemoryCommand } from "../src/domain/decide.ts";
import {
  createInMemoryKeyring,
  createInMemoryEventStore,
  type InMemoryEventStore,
} from "@second-brain/testing";

const alice: Caller = { userId: "alice", role: "user" };
const bob: Caller = { userId: "bob", role: "user" };
const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
const info = (caller: Caller = alice, commandId: string = randomUUID()): CallInfo => ({
  caller,
  correlationId: "req-1",
  commandId,
});

describe("memory application (in-memory store and keyring)", () => {
  let store: InMemoryEventStore;
  let deps: MemoryDeps;
  const create = (
    body: CreateMemoryBody,
    extra: { caller?: Caller; now?: Date; idempotencyKey?: string; commandId?: string } = {},
  ) =>
    createMemory(deps, body, {
      ...info(
        extra.caller,
        extra.commandId ??
          (extra.idempotencyKey
            ? keyedCommandId((extra.caller ?? alice).userId, "createMemory", extra.idempotencyKey)
            : undefined),
      ),
      now: extra.now ?? t(0),
      ...(extra.idempotencyKey ? { idempotencyKey: extra.idempotencyKey } : {}),
    }).then((outcome) => outcome.memory);
  const run = (
    memoryId: string,
    command: MemoryCommand,
    extra: { caller?: Caller; expectedVersion?: number; commandId?: string } = {},
  ) =>
    handleCommand(deps, memoryStreamId(memoryId), command, {
      ...info(extra.caller, extra.commandId),
      ...(extra.expectedVersion === undefined ? {} : { expectedVersion: extra.expectedVersion }),
    });
  const edit = (memoryId: string, data: Record<string, unknown>, now = t(1)): MemoryCommand => ({
    type: "EditMemory",
    data: { memoryId, ...data },
    metadata: { now },
  });

  beforeEach(() => {
    store = createInMemoryEventStore();
    deps = { store, keyring: createInMemoryKeyring(["alice", "bob"]), limits: DEFAULT_LIMITS };
  });

  it("creates a memory with defaults, timestamps and version 1", async () => {
    const memory = await create({ content: "Buy milk", tags: ["Home"] });
    expect(memory).to.deep.include({
      version: 1,
      title: null,
      content: "Buy milk",
      type: "semantic",
      status: "active",
      tags: ["home"],
      importance: 0.5,
      confidence: 1,
      links: [],
      attachments: [],
      metadata: {},
      createdAt: t(0).toISOString(),
      updatedAt: t(0).toISOString(),
    });
  });

  it("stores personal fields encrypted and every event with its metadata", async () => {
    const memory = await create({ content: "My secret", title: "Private", metadata: { mood: "calm" } });
    const [event] = store.log;
    const data = event!.data as Record<string, unknown>;
    for (const field of ["content", "title", "metadata"]) expect(data[field]).to.match(/^enc:v2:/);
    expect(JSON.stringify(store.log.map((e) => e.data))).not.to.include("My secret");
    expect(event!.metadata).to.deep.include({
      actor: "alice",
      ownerId: "alice",
      correlationId: "req-1",
      occurredAt: t(0).toISOString(),
      schemaVersion: MEMORY_EVENT_SCHEMA_VERSION,
    });
    expect(event!.metadata.causationId).to.be.a("string");
    expect(event!.streamId).to.equal(memoryStreamId(memory.id));
  });

  it("edits with the current version and refuses a stale one with the current version", async () => {
    const memory = await create({ content: "v1" });
    const edited = await run(memory.id, edit(memory.id, { content: "v2" }), { expectedVersion: 1 });
    expect(edited).to.deep.include({ version: 2, content: "v2", updatedAt: t(1).toISOString() });
    try {
      await run(memory.id, edit(memory.id, { content: "v3" }), { expectedVersion: 1 });
      expect.fail("a stale If-Match must be refused");
    } catch (error) {
      expect(error).to.be.instanceOf(VersionConflictError);
      expect((error as VersionConflictError).details).to.deep.equal({
        expectedVersion: 1,
        currentVersion: 2,
      });
    }
  });

  it("lets only one of two concurrent writers that read the same version win", async () => {
    const memory = await create({ content: "v1" });
    const results = await Promise.allSettled([
      run(memory.id, edit(memory.id, { content: "a" }), { expectedVersion: 1 }),
      run(memory.id, edit(memory.id, { content: "b" }), { expectedVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).to.have.length(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).to.be.instanceOf(VersionConflictError);
    expect(store.log).to.have.length(2);
  });

  it("applies both of two concurrent writers that sent no version, the second on the first's result", async () => {
    const memory = await create({ content: "v1" });
    const results = await Promise.all([
      run(memory.id, edit(memory.id, { content: "a" })),
      run(memory.id, edit(memory.id, { title: "b" })),
    ]);
    expect(results.map((result) => result.version).sort()).to.deep.equal([2, 3]);
    expect(store.log).to.have.length(3);
    const last = results.find((result) => result.version === 3)!;
    expect(last).to.include({ content: "a", title: "b" });
  });

  it("appends nothing for an edit that changes nothing", async () => {
    const memory = await create({ content: "same" });
    const after = await run(memory.id, edit(memory.id, { content: "same" }), { expectedVersion: 1 });
    expect(after.version).to.equal(1);
    expect(store.log).to.have.length(1);
  });

  it("hides another owner's memory and an erased owner's memory (404)", async () => {
    const memory = await create({ content: "alice's" });
    for (const attempt of [
      () => run(memory.id, edit(memory.id, { content: "bob was here" }), { caller: bob }),
      () => readHistory(deps, bob, memory.id),
      () => readAsOf(deps, bob, memory.id, t(5)),
    ]) {
      await expectRejection(attempt(), NotFoundError);
    }
    await deps.keyring.destroyKey("alice");
    await expectRejection(readHistory(deps, alice, memory.id), NotFoundError);
  });

  it("returns the same memory for a retried create under one Idempotency-Key", async () => {
    const body = { content: "once", tags: ["a"] };
    const first = await create(body, { idempotencyKey: "key-1" });
    await run(first.id, edit(first.id, { content: "edited since" }));
    const again = await create({ tags: ["a"], content: "once" }, { idempotencyKey: "key-1", now: t(9) });
    expect(again).to.deep.include({
      id: first.id,
      version: 2,
      content: "edited since",
      createdAt: t(0).toISOString(),
    });
    expect(store.log.filter((event) => event.type === "MemoryCreated")).to.have.length(1);
    await expectRejection(
      create({ content: "another body" }, { idempotencyKey: "key-1" }),
      AlreadyExistsError,
    );
    // Keys are per owner: bob's key-1 is a memory of his own.
    const bobs = await create(body, { caller: bob, idempotencyKey: "key-1" });
    expect(bobs.id).not.to.equal(first.id);
  });

  it("answers a retried create with the memory it made, even once the owner is at the memories quota", async () => {
    let used = 0;
    deps = {
      ...deps,
      quotas: { ...DEFAULT_QUOTAS, memories: 1 },
      usageOf: async () => ({ memories: used, storedBytes: 0 }),
    };
    const first = await create({ content: "the one allowed" }, { idempotencyKey: "quota-1" });
    used = 1;
    const again = await create({ content: "the one allowed" }, { idempotencyKey: "quota-1" });
    expect(again).to.deep.equal(first);
    await expectRejection(create({ content: "one too many" }), QuotaExceededError);
    await expectRejection(
      create({ content: "another body" }, { idempotencyKey: "quota-1" }),
      AlreadyExistsError,
    );
    expect(store.log).to.have.length(1);
  });

  it("stores one copy when the same idempotent create races itself", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        create({ content: "racing" }, { idempotencyKey: "race", now: t(i) }),
      ),
    );
    expect(new Set(results.map((memory) => memory.id)).size).to.equal(1);
    expect(new Set(results.map((memory) => memory.createdAt)).size).to.equal(1);
    expect(store.log).to.have.length(1);
  });

  it("links only to the caller's own existing memories", async () => {
    const a = await create({ content: "a" });
    const b = await create({ content: "b" });
    const bobs = await create({ content: "bob's" }, { caller: bob });
    const link = (targetId: string) =>
      linkMemory(
        deps,
        {
          type: "LinkMemory",
          data: { memoryId: a.id, targetId, linkType: "related" },
          metadata: { now: t(2) },
        },
        info(),
      );
    expect((await link(b.id)).links).to.deep.equal([{ targetId: b.id, type: "related" }]);
    await expectRejection(link(bobs.id), ValidationError);
    await expectRejection(link(randomUUID()), ValidationError);
  });

  it("reads the decrypted history oldest first and the memory as of a moment", async () => {
    const memory = await create({ content: "first", title: "T" });
    await run(memory.id, edit(memory.id, { content: "second" }, t(10)));
    await run(memory.id, { type: "DeleteMemory", data: { memoryId: memory.id }, metadata: { now: t(20) } });

    await expectRejection(readHistory(deps, alice, memory.id), NotFoundError);
    await expectRejection(readAsOf(deps, alice, memory.id, new Date(t(0).getTime() - 1)), NotFoundError);
    expect((await readAsOf(deps, alice, memory.id, t(0))).content).to.equal("first");
    expect(await readAsOf(deps, alice, memory.id, t(15))).to.deep.include({ content: "second", version: 2 });
    await expectRejection(readAsOf(deps, alice, memory.id, t(20)), NotFoundError);
  });

  it("lists history entries with decrypted data", async () => {
    const memory = await create({ content: "first", title: "T" });
    await run(memory.id, edit(memory.id, { content: "second" }));
    const { events } = await readHistory(deps, alice, memory.id);
    expect(events.map((e) => [e.type, e.version, e.actor])).to.deep.equal([
      ["MemoryCreated", 1, "alice"],
      ["MemoryEdited", 2, "alice"],
    ]);
    expect(events[0]!.data).to.deep.include({ content: "first", title: "T" });
    expect(events[1]!.data).to.deep.equal({ memoryId: memory.id, content: "second" });
  });

  it("stores a create once when the same command (no key) is delivered again", async () => {
    const commandId = randomUUID();
    const first = await create({ content: "redelivered" }, { commandId });
    const again = await create({ content: "redelivered" }, { commandId, now: t(5) });
    expect(again).to.deep.equal(first);
    const other = await create({ content: "redelivered" });
    expect(other.id).to.not.equal(first.id);
    expect(store.log.filter((event) => event.type === "MemoryCreated")).to.have.length(2);
  });

  it("answers a retried edit as its first attempt did, after later writes, without a second append", async () => {
    const memory = await create({ content: "v1" });
    const commandId = randomUUID();
    const first = await run(memory.id, edit(memory.id, { content: "v2" }), { commandId, expectedVersion: 1 });
    await run(memory.id, edit(memory.id, { content: "v3" }), { expectedVersion: 2 });
    // The If-Match of the retry is stale by now; it is still the same command, not a conflict.
    const again = await run(memory.id, edit(memory.id, { content: "v2" }), { commandId, expectedVersion: 1 });
    expect(again).to.deep.equal(first);
    expect(again).to.deep.include({ version: 2, content: "v2" });
    expect(store.log.map((event) => event.type)).to.deep.equal([
      "MemoryCreated",
      "MemoryEdited",
      "MemoryEdited",
    ]);
    // Another command with the same stale If-Match is a conflict.
    await expectRejection(
      run(memory.id, edit(memory.id, { content: "x" }), { expectedVersion: 1 }),
      VersionConflictError,
    );
  });

  it("appends once when twin attempts of one command race on a stream", async () => {
    const memory = await create({ content: "tags" });
    const commandId = randomUUID();
    const setTags = (): MemoryCommand => ({
      type: "SetTags",
      data: { memoryId: memory.id, tags: ["x"] },
      metadata: { now: t(3) },
    });
    const results = await Promise.all([1, 2, 3].map(() => run(memory.id, setTags(), { commandId })));
    expect(results.map((result) => result.version)).to.deep.equal([2, 2, 2]);
    expect(store.log).to.have.length(2);
  });
});

async function expectRejection(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => Error,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(errorClass);
    return;
  }
  expect.fail(`expected a ${errorClass.name}`);
}
