import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "chai";
import { DEFAULT_LIMITS, memoryStreamId, type Caller, type Memory } from "@second-brain/contracts";
import { createPostgresEventStore, migrateEventStore, type EventStore } from "@second-brain/event-store";
import { createSqlKeyring, keyringMigrations, runMigrations } from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import type { MemoryHistory } from "../src/application/read-history.ts";
import { rejectionOf, startMemoryBroker, type MemoryBroker } from "./support/memory-broker.ts";

const alice: Caller = { userId: randomUUID(), role: "user" };
const bob: Caller = { userId: randomUUID(), role: "user" };

describe("memory service on a real PostgreSQL event store", () => {
  let db: TestDatabase;
  let store: EventStore;
  let memory: MemoryBroker;
  let clock: Date;

  before(async () => {
    db = await createTestDatabase("sb_memory");
    await migrateEventStore(db.pool);
    await runMigrations(db.pool, "keyring", keyringMigrations);
    store = createPostgresEventStore(db.pool);
    clock = new Date("2026-04-01T09:00:00.000Z");
    const keyring = createSqlKeyring(db.pool, randomBytes(32));
    await keyring.ensureKey(alice.userId); // as identity does at registration
    await keyring.ensureKey(bob.userId);
    memory = await startMemoryBroker({
      store,
      keyring,
      limits: DEFAULT_LIMITS,
      now: () => clock,
    });
  });
  after(async () => {
    await memory?.stop();
    await store?.close();
    await db?.drop();
  });

  const tick = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
  const rawEvents = async (memoryId: string) =>
    (
      await db.pool.query<{ event_id: string; type: string; data: unknown; metadata: unknown }>(
        "SELECT event_id::text, type, data, metadata FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version",
        [memoryStreamId(memoryId)],
      )
    ).rows;

  it("creates, edits with If-Match and refuses a stale If-Match with the current version", async () => {
    const created = await memory.call<Memory>(alice, "create", {
      content: "The cat is called Miso",
      tags: ["Pets"],
    });
    expect(created).to.deep.include({
      version: 1,
      content: "The cat is called Miso",
      tags: ["pets"],
      status: "active",
    });
    tick(1);
    const edited = await memory.call<Memory>(alice, "edit", { id: created.id, title: "Cat" }, { ifMatch: 1 });
    expect(edited).to.deep.include({ version: 2, title: "Cat", content: "The cat is called Miso" });

    const stale = await rejectionOf(
      memory.call(alice, "edit", { id: created.id, title: "Dog" }, { ifMatch: 1 }),
    );
    expect(stale).to.deep.include({ code: 409, type: "VERSION_CONFLICT" });
    expect(stale.data).to.deep.include({ currentVersion: 2 });
    expect(await rawEvents(created.id)).to.have.length(2);
  });

  it("lets one of two concurrent writers win and refuses the other (409), never merging", async () => {
    const created = await memory.call<Memory>(alice, "create", { content: "contended" });
    // Both writers last read version 1: whichever appends second is refused, whether it read the
    // stream before the first append (the store's version check) or after it (the If-Match check).
    const results = await Promise.allSettled(
      ["first", "second"].map((tag) =>
        memory.call<Memory>(alice, "setTags", { id: created.id, tags: [tag] }, { ifMatch: 1 }),
      ),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<Memory> => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).to.have.length(1);
    expect(rejected).to.have.length(1);
    expect(rejected[0]!.reason).to.deep.include({ code: 409, type: "VERSION_CONFLICT" });
    expect(await rawEvents(created.id)).to.have.length(2);
    const stored = await memory.call<Memory>(alice, "get", { id: created.id });
    expect(stored.tags).to.deep.equal(won[0]!.value.tags);
  });

  it("applies every one of concurrent writes sent without If-Match: no version was asked for", async () => {
    const created = await memory.call<Memory>(alice, "create", { content: "busy" });
    const tags = Array.from({ length: 8 }, (_, index) => `t${index}`);
    await Promise.all(
      tags.map((tag) => memory.call<Memory>(alice, "setTags", { id: created.id, tags: [tag] })),
    );
    // Each write was decided again on the stream as it was when a concurrent one got there first.
    expect(await rawEvents(created.id)).to.have.length(1 + tags.length);
  });

  it("stores one stream with one event for an idempotent create retried 5 times at once", async () => {
    const body = { content: "Passport number is in the blue folder", title: "Passport" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        memory.call<Memory>(alice, "create", body, { idempotencyKey: "import-42" }),
      ),
    );
    const ids = new Set(results.map((m) => m.id));
    expect(ids.size).to.equal(1);
    const [id] = [...ids];
    expect(results.every((m) => m.version === 1 && m.content === body.content)).to.equal(true);
    expect(await rawEvents(id!)).to.have.length(1);

    const other = await rejectionOf(
      memory.call(alice, "create", { content: "something else" }, { idempotencyKey: "import-42" }),
    );
    expect(other).to.deep.include({ code: 409, type: "ALREADY_EXISTS" });
  });

  it("appends once per command id however often a call is delivered (broker retry, redelivery)", async () => {
    const createCommand = randomUUID();
    const deliver = <T>(action: string, params: object, meta: object) =>
      Promise.all([1, 2, 3].map(() => memory.call<T>(alice, action, params, meta)));
    const created = await deliver<Memory>(
      "create",
      { content: "Delivered three times" },
      {
        commandId: createCommand,
      },
    );
    expect(new Set(created.map((m) => m.id)).size).to.equal(1);
    const id = created[0]!.id;

    const editCommand = randomUUID();
    const edited = await deliver<Memory>(
      "edit",
      { id, content: "Edited once" },
      { commandId: editCommand, ifMatch: 1 },
    );
    expect(edited.map((m) => [m.version, m.content])).to.deep.equal([
      [2, "Edited once"],
      [2, "Edited once"],
      [2, "Edited once"],
    ]);
    tick(1);
    await memory.call(alice, "setTags", { id, tags: ["later"] });
    // A redelivery after later writes: its If-Match is stale, yet it answers as the first attempt did.
    const late = await memory.call<Memory>(
      alice,
      "edit",
      { id, content: "Edited once" },
      {
        commandId: editCommand,
        ifMatch: 1,
      },
    );
    expect(late).to.deep.equal(edited[0]);
    expect((await rawEvents(id)).map((row) => row.type)).to.deep.equal([
      "MemoryCreated",
      "MemoryEdited",
      "MemoryTagsSet",
    ]);
  });

  it("encrypts personal content in the store and decrypts it in the history", async () => {
    const secret = `My bank PIN hint is ${randomUUID()}`;
    const created = await memory.call<Memory>(alice, "create", {
      content: secret,
      title: "Bank",
      metadata: { hint: secret },
      sourceUrl: "https://bank.example/help",
    });
    tick(1);
    await memory.call(alice, "edit", { id: created.id, content: `${secret} (updated)` }, { ifMatch: 1 });

    const rows = await rawEvents(created.id);
    const stored = JSON.stringify(rows.map((row) => row.data));
    expect(stored).not.to.include(secret);
    expect(stored).not.to.include("bank.example");
    expect((rows[0]!.data as { content: string }).content).to.match(/^enc:v2:/);
    expect(rows[0]!.metadata).to.deep.include({
      actor: alice.userId,
      ownerId: alice.userId,
      schemaVersion: 1,
    });

    const history = await memory.call<MemoryHistory>(alice, "history", { id: created.id });
    expect(history.events.map((e) => [e.type, e.version, e.actor])).to.deep.equal([
      ["MemoryCreated", 1, alice.userId],
      ["MemoryEdited", 2, alice.userId],
    ]);
    expect(history.events[0]!.data).to.deep.include({
      content: secret,
      title: "Bank",
      metadata: { hint: secret },
    });
    expect(history.events[1]!.data).to.deep.equal({ memoryId: created.id, content: `${secret} (updated)` });
    expect(history.events[0]!.id).to.equal(rows[0]!.event_id);
  });

  it("answers 404 for another user's memory, whatever the action", async () => {
    const created = await memory.call<Memory>(alice, "create", { content: "alice only" });
    const attempts: [string, object, object?][] = [
      ["edit", { id: created.id, content: "bob" }, { ifMatch: 1 }],
      ["setTags", { id: created.id, tags: ["x"] }],
      ["archive", { id: created.id }],
      ["delete", { id: created.id }],
      ["history", { id: created.id }],
      ["getAsOf", { id: created.id, asOf: clock.toISOString() }],
    ];
    for (const [action, params, meta] of attempts) {
      const error = await rejectionOf(memory.call(bob, action, params, meta));
      expect(error, action).to.deep.include({ code: 404, type: "NOT_FOUND" });
    }
    expect(await rawEvents(created.id)).to.have.length(1);
  });

  it("returns the memory as it stood at a moment", async () => {
    const start = tick(10);
    const created = await memory.call<Memory>(alice, "create", { content: "draft one" });
    const afterCreate = tick(5);
    await memory.call(alice, "edit", { id: created.id, content: "draft two" }, { ifMatch: 1 });
    tick(5);
    await memory.call(alice, "delete", { id: created.id });

    const asOf = (time: Date) =>
      memory.call<Memory>(alice, "getAsOf", { id: created.id, asOf: time.toISOString() });
    expect(await asOf(start)).to.deep.include({ content: "draft one", version: 1 });
    expect(await asOf(new Date(afterCreate.getTime() + 1000))).to.deep.include({
      content: "draft two",
      version: 2,
    });
    expect(await rejectionOf(asOf(new Date(start.getTime() - 1)))).to.deep.include({ code: 404 });
    expect(await rejectionOf(asOf(clock))).to.deep.include({ code: 404 });
  });
});
