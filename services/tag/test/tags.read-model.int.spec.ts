import { randomUUID } from "node:crypto";
import { expect } from "chai";
import {
  DEFAULT_LIMITS,
  AlreadyExistsError,
  START_OF_LOG,
  memoryStreamId,
  tagOperationStreamId,
  type Caller,
  type MemoryEvent,
} from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { decryptFields, inTransaction } from "@second-brain/platform";
import { batchKeyLookup } from "@second-brain/read-models";
import {
  eventMetadata,
  memoryCreatedData,
  openTestEventLog,
  waitUntil,
  type TestEventLog,
} from "@second-brain/testing";
import type { MemoryCommands, TagDeps } from "../src/application/deps.ts";
import { styleTag } from "../src/application/style-tag.ts";
import { updateTag } from "../src/application/update-tag.ts";
import { runTagOperation, startTagOperation } from "../src/application/tag-operation-runner.ts";
import { tagSettingsHandler, tagStreamId, unkeyedTagStreamId } from "../src/application/tag-streams.ts";
import { retaggedTags } from "../src/domain/tag-operation.ts";
import { applyTagEvents } from "../src/read-model/tags.apply.ts";
import { migrateTagsReadModel } from "../src/migrations/index.ts";
import { listTags } from "../src/read-model/tags.queries.ts";
import { startTagsReadModel } from "../src/read-model/tags.read-model.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("tag read model and operations (PostgreSQL)", function () {
  this.timeout(60_000);
  let log: TestEventLog;
  let store: EventStore;
  const owner = `owner-${randomUUID()}`;
  const version = new Map<string, number>();

  before(async () => {
    log = await openTestEventLog("sb_tags");
    store = log.store;
    await migrateTagsReadModel(log.pool);
    await log.keyring.ensureKey(owner);
  });
  after(async () => {
    await log?.close();
  });

  /** A new owner with a key, and what styling their tags needs (no memory commands). */
  async function stylingOwner(name: string): Promise<{ deps: TagDeps; caller: Caller }> {
    const caller: Caller = { userId: `${name}-${randomUUID()}`, role: "user" };
    await log.keyring.ensureKey(caller.userId);
    const memories = {} as MemoryCommands;
    return {
      deps: { store, pool: log.pool, keyring: log.keyring, limits: DEFAULT_LIMITS, memories },
      caller,
    };
  }

  async function append(memoryId: string, event: MemoryEvent, ownerId = owner): Promise<void> {
    const current = version.get(memoryId) ?? 0;
    await store.appendToStream(
      memoryStreamId(memoryId),
      [
        {
          id: randomUUID(),
          type: event.type,
          data: event.data,
          metadata: eventMetadata(ownerId),
        },
      ],
      { expectedVersion: current },
    );
    version.set(memoryId, current + 1);
  }
  const created = (memoryId: string, tags: string[]): MemoryEvent => ({
    type: "MemoryCreated",
    data: memoryCreatedData(memoryId, { content: "c", tags, confidence: 1 }),
  });
  const counts = async (ownerId = owner) =>
    Object.fromEntries((await listTags(log.pool, ownerId)).map((tag) => [tag.name, tag.count]));

  it("leaves the counts unchanged when the same events are delivered again", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await append(a, created(a, ["x", "y"]));
    await append(b, created(b, ["x"]));
    await append(a, { type: "MemoryTagsSet", data: { memoryId: a, tags: ["y", "z"] } });
    await append(b, { type: "MemoryArchived", data: { memoryId: b } });
    await append(b, { type: "MemoryDeleted", data: { memoryId: b } });
    // The log holds back events while older transactions anywhere on the server may still commit.
    let events = await store.readAll({ after: START_OF_LOG, limit: 1000 });
    await waitUntil(
      async () => (events = await store.readAll({ after: START_OF_LOG, limit: 1000 })).length === 5,
    );

    await inTransaction(log.pool, (client) => applyTagEvents(client, events, batchKeyLookup(log.keyring)));
    const once = await counts();
    expect(once).to.deep.equal({ y: 1, z: 1 });
    await inTransaction(log.pool, (client) => applyTagEvents(client, events, batchKeyLookup(log.keyring)));
    await inTransaction(log.pool, (client) =>
      applyTagEvents(client, events.slice(1, 3), batchKeyLookup(log.keyring)),
    );
    expect(await counts()).to.deep.equal(once);
    await log.pool.query("TRUNCATE tag_memories, tag_counts, tag_styles, tag_operations");
  });

  it("catches up from its checkpoint after a restart", async () => {
    const first = await startTagsReadModel({ pool: log.pool, store, keyring: log.keyring, logger: quiet });
    await waitUntil(async () => (await counts()).z === 1);
    await first.stop();
    const c = randomUUID();
    await append(c, created(c, ["while-stopped", "z"]));
    expect((await counts())["while-stopped"]).to.equal(undefined);
    const second = await startTagsReadModel({ pool: log.pool, store, keyring: log.keyring, logger: quiet });
    await waitUntil(async () => (await counts())["while-stopped"] === 1);
    expect(await counts()).to.deep.equal({ "while-stopped": 1, y: 1, z: 2 });
    await second.stop();
  });

  it("resumes an interrupted merge and re-tags each memory once", async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const tagsOf = new Map<string, string[]>();
    for (const id of ids) {
      await append(id, created(id, ["old", "other"]));
      tagsOf.set(id, ["old", "other"]);
    }
    const readModel = await startTagsReadModel({
      pool: log.pool,
      store,
      keyring: log.keyring,
      logger: quiet,
    });
    await waitUntil(async () => (await counts()).old === 4);
    let writes = 0;
    let failAfter = 2;
    const commandIds = new Map<string, Set<string>>();
    const memories: MemoryCommands = {
      async retag(_caller, memoryId, from, into, commandId) {
        commandIds.set(memoryId, (commandIds.get(memoryId) ?? new Set()).add(commandId));
        if (failAfter-- <= 0) throw new Error("the process died");
        const next = retaggedTags(tagsOf.get(memoryId)!, from, into);
        if (!next) return "unchanged";
        tagsOf.set(memoryId, next);
        writes++;
        return "retagged";
      },
    };
    const deps: TagDeps = { store, pool: log.pool, keyring: log.keyring, limits: DEFAULT_LIMITS, memories };
    const caller: Caller = { userId: owner, role: "user" };
    const info = { caller, correlationId: "merge", commandId: randomUUID() };
    const operationId = await startTagOperation(deps, info, "merge", "old", "new", new Date());
    let failure: unknown;
    await runTagOperation(deps, operationId, () => new Date()).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain("the process died");
    expect(writes).to.equal(2);

    failAfter = Infinity;
    const result = await runTagOperation(deps, operationId, () => new Date());
    expect(result).to.include({ status: "completed", total: 4, retagged: 4 });
    expect(writes).to.equal(4);
    for (const id of ids) expect(tagsOf.get(id)).to.deep.equal(["new", "other"]);
    // Running it again finds nothing left to do.
    expect(await runTagOperation(deps, operationId, () => new Date())).to.include({ status: "completed" });
    expect(writes).to.equal(4);
    // Each memory's re-tagging is one command, the same when the resumed run sends it again.
    expect([...commandIds.values()].map((set) => set.size)).to.deep.equal([1, 1, 1, 1]);
    expect(new Set([...commandIds.values()].flatMap((set) => [...set])).size).to.equal(4);
    // The request, retried after "old" is gone, finds the operation it started: no second one.
    const operationEvents = (await store.readStream(tagOperationStreamId(operationId))).length;
    expect(await startTagOperation(deps, info, "merge", "old", "new", new Date())).to.equal(operationId);
    expect(await store.readStream(tagOperationStreamId(operationId))).to.have.length(operationEvents);
    await waitUntil(async () => {
      const { rows } = await log.pool.query("SELECT status FROM tag_operations WHERE id = $1", [operationId]);
      return rows[0]?.status === "completed";
    });
    await readModel.stop();
  });

  it("answers a retried styling as its first attempt did, without a second append", async () => {
    const { deps, caller } = await stylingOwner("styler");
    const style = (color: string, commandId: string) =>
      styleTag(deps, { caller, correlationId: "c", commandId }, "palette", { color }, new Date(), true);
    const red = randomUUID();
    const first = await style("#ff0000", red);
    await style("#0000ff", randomUUID());
    // The red request delivered again after the blue one: still its own answer, and no third event.
    expect(await style("#ff0000", red)).to.deep.equal(first);
    expect(first).to.include({ name: "palette", color: "#ff0000" });
    const streamId = await tagStreamId(deps, caller.userId, "palette");
    // Named by a digest keyed with the owner's key, not a hash anyone could recompute from a guess.
    expect(streamId).to.not.equal(unkeyedTagStreamId(caller.userId, "palette"));
    const events = await store.readStream(streamId);
    const key = (await log.keyring.getKey(caller.userId))!;
    expect(
      events.map((event) => decryptFields(event.data as { color?: string }, ["color"], key, event).color),
    ).to.deep.equal(["#ff0000", "#0000ff"]);

    // Names and colours are encrypted in the log; once the owner is erased, the tag is gone for
    // good: it can be neither read nor styled again (no row the erasure would not purge).
    const stored = JSON.stringify(events.map((event) => event.data));
    expect(stored).to.not.contain("palette");
    expect(stored).to.not.contain("#ff0000");
    await log.keyring.destroyKey(caller.userId);
    const afterErasure = await style("#00ff00", randomUUID()).catch((error: unknown) => error);
    expect(afterErasure).to.include({ status: 404 });
    expect(await store.readStream(streamId)).to.have.length(2);
    expect(await tagStreamId(deps, caller.userId, "palette").catch((error: unknown) => error)).to.include({
      status: 404,
    });
  });

  it("keeps styling a tag in the stream it had before stream ids were keyed", async () => {
    const { deps, caller } = await stylingOwner("older");
    const style = (name: string, color: string) =>
      styleTag(
        deps,
        { caller, correlationId: "c", commandId: randomUUID() },
        name,
        { color },
        new Date(),
        true,
      );
    const unkeyed = unkeyedTagStreamId(caller.userId, "heirloom");
    // A tag styled by an earlier version: its stream has the plain hash for a name.
    await tagSettingsHandler(deps).handle(
      unkeyed,
      {
        type: "StyleTag",
        data: { name: "heirloom", color: "#112233", ancestorsOfParent: [], known: true },
        metadata: { now: new Date() },
      },
      { caller, correlationId: "c", commandId: randomUUID() },
    );
    expect(await tagStreamId(deps, caller.userId, "heirloom")).to.equal(unkeyed);
    expect(await style("heirloom", "#445566")).to.include({ color: "#445566" });
    expect(await store.readStream(unkeyed)).to.have.length(2);
    // A new tag of the same owner gets a keyed id.
    await style("fresh", "#778899");
    expect(await store.streamVersion(unkeyedTagStreamId(caller.userId, "fresh"))).to.equal(0);
  });

  it("refuses a rename onto a tag in use, and answers a rename with the count it leaves", async () => {
    const renamer = `renamer-${randomUUID()}`;
    await log.keyring.ensureKey(renamer);
    const caller: Caller = { userId: renamer, role: "user" };
    const tagsOf = new Map<string, string[]>();
    for (const tags of [["alpha"], ["alpha", "beta"], ["beta"]]) {
      const id = randomUUID();
      await append(id, created(id, tags), renamer);
      tagsOf.set(id, tags);
    }
    const memories: MemoryCommands = {
      // As the memory service does: the new tags are a MemoryTagsSet event that the read model projects.
      async retag(_caller, memoryId, from, into) {
        const next = retaggedTags(tagsOf.get(memoryId)!, from, into);
        if (!next) return "unchanged";
        tagsOf.set(memoryId, next);
        await append(memoryId, { type: "MemoryTagsSet", data: { memoryId, tags: next } }, renamer);
        return "retagged";
      },
    };
    const deps: TagDeps = { store, pool: log.pool, keyring: log.keyring, limits: DEFAULT_LIMITS, memories };
    const patch = (commandId: string, tag: string, name: string) => {
      const info = { caller, correlationId: "rename", commandId };
      return updateTag(deps, info, { tag, name }, new Date(), async (from, into) => {
        const operationId = await startTagOperation(deps, info, "rename", from, into, new Date());
        return runTagOperation(deps, operationId, () => new Date());
      });
    };
    let readModel = await startTagsReadModel({ pool: log.pool, store, keyring: log.keyring, logger: quiet });
    await waitUntil(async () => (await counts(renamer)).beta === 2);
    await readModel.stop();

    const onto = await patch(randomUUID(), "alpha", "Beta").catch((error: unknown) => error);
    expect(onto).to.be.instanceOf(AlreadyExistsError);
    expect(onto).to.include({ status: 409, code: "ALREADY_EXISTS" });
    expect((onto as Error).message).to.contain('"beta" already exists');
    expect([...tagsOf.values()]).to.deep.equal([["alpha"], ["alpha", "beta"], ["beta"]]);

    // The read model is stopped: the re-tagging is not projected yet when the rename answers.
    const commandId = randomUUID();
    const renamed = await patch(commandId, "alpha", "gamma");
    expect(renamed).to.deep.include({ name: "gamma", count: 2 });
    expect(renamed.operation).to.include({ status: "completed", total: 2, retagged: 2 });
    readModel = await startTagsReadModel({ pool: log.pool, store, keyring: log.keyring, logger: quiet });
    await waitUntil(async () => JSON.stringify(await counts(renamer)) === '{"beta":2,"gamma":2}');
    // The same request again (a client's retry) answers as the first did, though "gamma" now exists.
    expect(await patch(commandId, "alpha", "gamma")).to.deep.equal(renamed);
    await readModel.stop();
  });
});
