import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import type { Memory } from "@second-brain/contracts";
import { createMemoryCache, SchemaValidator, type Cache } from "@second-brain/platform";
import { memoryViewsService } from "../src/memory-views.service.ts";
import type { AttachmentAddedData } from "@second-brain/contracts";
import { memoryAttachmentsGenerationKey, memoryCacheKey } from "@second-brain/read-models";
import { readMemory } from "../src/application/read-memory.ts";
import { getMemoryRow, type MemoryPage } from "../src/read-model/memories.queries.ts";
import { startMemoriesProjection } from "../src/read-model/memories.projection.ts";
import { created, newId, openFixture, waitFor, type Fixture } from "./fixture.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("memories service", () => {
  let fixture: Fixture;
  let cache: Cache;
  let broker: ServiceBroker;
  const alice = `alice-${newId()}`;
  const bob = `bob-${newId()}`;
  const as = (userId: string) => ({ meta: { caller: { userId, role: "user" } } });

  async function startBroker(project: boolean): Promise<void> {
    broker = new ServiceBroker({
      logger: false,
      namespace: `sb-test-${randomBytes(6).toString("hex")}`,
      validator: new SchemaValidator(),
    });
    broker.createService(memoryViewsService({ ...fixture, cache, project, logger: quiet }));
    await broker.start();
  }

  before(async () => {
    fixture = await openFixture("postgres");
    cache = createMemoryCache();
  });
  after(async () => {
    await broker?.stop();
    await fixture?.close();
  });

  describe("with the projection stopped", () => {
    before(() => startBroker(false));
    after(() => broker.stop());

    it("get reads its own writes from the log when the read model lags", async () => {
      const id = newId();
      await fixture.append(id, alice, [created(id, { title: "First" })]);
      const first = await broker.call<Memory, { id: string }>("memory-views.get", { id }, as(alice));
      expect(first).to.include({ id, version: 1, title: "First", status: "active" });
      expect(first.metadata).to.deep.equal({ source: "test" });

      await fixture.append(id, alice, [{ type: "MemoryEdited", data: { memoryId: id, title: "Second" } }]);
      const second = await broker.call<Memory, { id: string }>("memory-views.get", { id }, as(alice));
      expect(second).to.include({ version: 2, title: "Second" });
      expect(await cache.get<{ memory: Memory }>(memoryCacheKey(alice, id))).to.deep.include({
        memory: second,
      });

      // A stale cache entry is never served: the head decides.
      await fixture.append(id, alice, [{ type: "MemoryArchived", data: { memoryId: id } }]);
      const third = await broker.call<Memory, { id: string }>("memory-views.get", { id }, as(alice));
      expect(third).to.include({ version: 3, status: "archived" });
    });

    it("keeps the memory's attachments when it folds a lagging memory from the log", async () => {
      const id = newId();
      await fixture.append(id, alice, [created(id, { title: "With a file" })]);
      const projection = await startMemoriesProjection({ ...fixture, logger: quiet });
      await waitFor(async () => (await getMemoryRow(fixture.db, alice, id)) !== null);
      await projection.stop();
      // What the read model learnt from the attachment's own stream.
      const file = {
        id: newId(),
        filename: "plan.pdf",
        contentType: "application/pdf",
        size: 3,
        sha256: "ab",
      };
      await fixture.pool.query(`UPDATE memories SET attachments = $1 WHERE id = $2`, [
        JSON.stringify([file]),
        id,
      ]);

      await fixture.append(id, alice, [{ type: "MemoryEdited", data: { memoryId: id, title: "Edited" } }]);
      const lagging = await broker.call<Memory, { id: string }>("memory-views.get", { id }, as(alice));
      expect(lagging).to.deep.include({ version: 2, title: "Edited", attachments: [file] });
    });

    it("another owner's, a deleted, an unknown or an erased owner's memory is 404", async () => {
      const id = newId();
      await fixture.append(id, alice, [created(id)]);
      const fails = async (userId: string, memoryId: string) => {
        const error = await broker
          .call("memory-views.get", { id: memoryId }, as(userId))
          .catch((e: unknown) => e);
        return error as { code: number; type: string };
      };
      expect(await fails(bob, id)).to.include({ code: 404, type: "NOT_FOUND" });
      expect(await fails(alice, newId())).to.include({ code: 404, type: "NOT_FOUND" });
      await fixture.append(id, alice, [{ type: "MemoryDeleted", data: { memoryId: id } }]);
      expect(await fails(alice, id)).to.include({ code: 404, type: "NOT_FOUND" });

      const erin = `erin-${newId()}`;
      const hers = newId();
      await fixture.append(hers, erin, [created(hers)]);
      await broker.call("memory-views.get", { id: hers }, as(erin));
      await fixture.keyring.destroyKey(erin);
      expect(await fails(erin, hers)).to.include({ code: 404, type: "NOT_FOUND" });
    });

    it("refuses calls without a caller, and unknown or malformed params", async () => {
      const noCaller = await broker.call("memory-views.get", { id: newId() }).catch((e: unknown) => e);
      expect(noCaller).to.include({ code: 401, type: "UNAUTHENTICATED" });
      const extra = await broker
        .call("memory-views.list", { colour: "red" }, as(alice))
        .catch((e: unknown) => e);
      expect(extra).to.include({ name: "ValidationError" });
      const badId = await broker.call("memory-views.get", { id: "nope" }, as(alice)).catch((e: unknown) => e);
      expect(badId).to.include({ name: "ValidationError" });
      const deletedStatus = await broker
        .call("memory-views.list", { status: "deleted" }, as(alice))
        .catch((e: unknown) => e);
      expect(deletedStatus).to.include({ name: "ValidationError" });
      const badCursor = await broker
        .call("memory-views.list", { cursor: "zzz" }, as(alice))
        .catch((e: unknown) => e);
      expect(badCursor).to.include({ code: 400, type: "VALIDATION_FAILED" });
    });
  });

  describe("with the projection running", () => {
    before(() => startBroker(true));
    after(() => broker.stop());

    it("lists the caller's active memories once projected, newest first, by pages", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = newId();
        ids.push(id);
        await fixture.append(id, bob, [created(id, { tags: ["paged"] })]);
      }
      await waitFor(async () => {
        const page = await broker.call<MemoryPage, object>(
          "memory-views.list",
          { tag: "paged", limit: 100 },
          as(bob),
        );
        return page.items.length === 5;
      });
      const first = await broker.call<MemoryPage, object>(
        "memory-views.list",
        { tag: " Paged ", limit: 3 }, // a query string's number arrives converted by the gateway
        as(bob),
      );
      expect(first.items.map((item) => item.id)).to.deep.equal(ids.slice(2).reverse());
      const second = await broker.call<MemoryPage, object>(
        "memory-views.list",
        { tag: "paged", limit: 3, cursor: first.nextCursor },
        as(bob),
      );
      expect(second.items.map((item) => item.id)).to.deep.equal(ids.slice(0, 2).reverse());
      expect(second.nextCursor).to.equal(null);
      const blank = await broker.call("memory-views.list", { tag: "  " }, as(bob)).catch((e: unknown) => e);
      expect(blank).to.deep.include({ code: 400, type: "VALIDATION_FAILED" });
      const alices = await broker.call<MemoryPage, object>("memory-views.list", { tag: "paged" }, as(alice));
      expect(alices.items).to.deep.equal([]);
    });

    // A file is a fact of its own stream: the memory's version does not move when one is attached,
    // so the version alone cannot tell that a cached copy lists too few.
    const file = (memoryId: string, filename: string): AttachmentAddedData => ({
      attachmentId: newId(),
      memoryId,
      filename,
      contentType: "text/plain",
      size: 1,
      sha256: "ab",
      objectKey: `${alice}/ab`,
    });
    const filenames = (memory: Memory) => memory.attachments.map((attachment) => attachment.filename);
    const get = (id: string) => broker.call<Memory, { id: string }>("memory-views.get", { id }, as(alice));

    it("lists a file attached after the memory was cached", async () => {
      const id = newId();
      await fixture.append(id, alice, [created(id)]);
      await fixture.attach(alice, { type: "AttachmentAdded", data: file(id, "first.txt") });
      await waitFor(async () => (await get(id)).attachments.length === 1);
      expect(await cache.get(memoryCacheKey(alice, id))).to.not.equal(undefined);

      await fixture.attach(alice, { type: "AttachmentAdded", data: file(id, "second.txt") });
      await waitFor(async () => (await get(id)).attachments.length === 2);
      expect(filenames(await get(id))).to.deep.equal(["first.txt", "second.txt"]);
    });

    it("never trusts a copy read before the projection's commit, even when it is stored after it", async () => {
      const id = newId();
      await fixture.append(id, alice, [created(id)]);
      await fixture.attach(alice, { type: "AttachmentAdded", data: file(id, "first.txt") });
      await waitFor(async () => (await getMemoryRow(fixture.db, alice, id))?.attachments.length === 1);

      // A reader that read the row with one file, and whose write to the cache is held back.
      let reachedStore!: () => void;
      const stored = new Promise<void>((resolve) => (reachedStore = resolve));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slowCache: Cache = {
        ...cache,
        get: (key) => cache.get(key),
        set: async (key, value, ttl) => {
          reachedStore();
          await held;
          await cache.set(key, value, ttl);
        },
      };
      const reader = { db: fixture.db, store: fixture.store, keyring: fixture.keyring, cache: slowCache };
      const slowRead = readMemory(reader, alice, id);
      await stored;

      // Meanwhile the second file is projected and the projection renews the generation.
      const before = await cache.get(memoryAttachmentsGenerationKey(alice, id));
      await fixture.attach(alice, { type: "AttachmentAdded", data: file(id, "second.txt") });
      await waitFor(async () => (await cache.get(memoryAttachmentsGenerationKey(alice, id))) !== before);
      release();
      expect(filenames(await slowRead)).to.deep.equal(["first.txt"]);

      // The held-back copy is now in the cache at the memory's head version, and is not served.
      expect(await cache.get(memoryCacheKey(alice, id))).to.deep.include({ memory: await slowRead });
      expect(filenames(await get(id))).to.deep.equal(["first.txt", "second.txt"]);
    });
  });
});
