import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { memoryStreamId, USER_ERASED, userStreamId, type NewEvent } from "@second-brain/contracts";
import { createPostgresEventStore, migrateEventStore, type EventStore } from "@second-brain/event-store";
import { createRedisCache, type Cache } from "@second-brain/platform";
import { createTestDatabase, eventMetadata, type TestDatabase } from "@second-brain/testing";
import { memoryCacheService } from "../src/memory-cache.service.ts";
import {
  memoryAttachmentsGenerationKey,
  memoryCacheKey,
  ownerGenerationKey,
  queryVectorKey,
  searchResultKey,
} from "@second-brain/read-models";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function edited(memoryId: string, ownerId: string): NewEvent {
  return {
    id: randomUUID(),
    type: "MemoryEdited",
    data: { memoryId, importance: 0.9 },
    metadata: eventMetadata(ownerId),
  };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("cache projection on PostgreSQL and Redis", () => {
  let database: TestDatabase;
  let store: EventStore;
  let cache: Cache;
  let broker: ServiceBroker;

  before(async () => {
    database = await createTestDatabase("sb_cache");
    await migrateEventStore(database.pool);
    store = createPostgresEventStore(database.pool, { pollIntervalMs: 20, retryDelayMs: 50 });
    cache = createRedisCache(REDIS_URL, `sb-test-${randomBytes(6).toString("hex")}:`);
    broker = new ServiceBroker({ logger: false, namespace: `sb-test-${randomBytes(6).toString("hex")}` });
    broker.createService(memoryCacheService({ store, cache, pool: database.pool, logger: quiet }));
    await broker.start();
  });

  after(async () => {
    await broker?.stop();
    await store?.close();
    await cache?.close();
    await database?.drop();
  });

  it("deletes a memory's cache entry when an event for it is appended", async () => {
    const owner = randomUUID();
    const memoryId = randomUUID();
    const untouched = memoryCacheKey(owner, randomUUID());
    await cache.set(memoryCacheKey(owner, memoryId), { version: 1 }, 60);
    await cache.set(untouched, { version: 1 }, 60);
    await store.appendToStream(memoryStreamId(memoryId), [edited(memoryId, owner)], { expectedVersion: 0 });
    await eventually(async () => (await cache.get(memoryCacheKey(owner, memoryId))) === undefined);
    expect(await cache.get(untouched)).to.deep.equal({ version: 1 });
  });

  it("removes every key cached of a user when the user's erasure reaches the log", async () => {
    const [erased, other] = [randomUUID(), randomUUID()];
    // More keys than one SCAN page, of every kind a user's requests leave behind.
    const keysOf = (owner: string) => [
      ...Array.from({ length: 1200 }, () => memoryCacheKey(owner, randomUUID())),
      memoryAttachmentsGenerationKey(owner, randomUUID()),
      ownerGenerationKey(owner),
      searchResultKey(owner, "search_documents", "g1", "ab"),
      queryVectorKey(owner, "model", "cd"),
    ];
    const [theirs, others] = [keysOf(erased), keysOf(other)];
    for (const key of [...theirs, ...others]) await cache.set(key, { secret: "x" }, 60);
    const userErased: NewEvent = {
      id: randomUUID(),
      type: USER_ERASED,
      data: { userId: erased },
      metadata: eventMetadata(erased),
    };
    await store.appendToStream(userStreamId(erased), [userErased], { expectedVersion: "any" });
    await eventually(async () => (await cache.get(ownerGenerationKey(erased))) === undefined);
    for (const key of theirs) expect(await cache.get(key), key).to.equal(undefined);
    for (const key of others) expect(await cache.get(key), key).to.deep.equal({ secret: "x" });
  });

  it("keeps its position in projection_checkpoints and resumes from it", async () => {
    const owner = randomUUID();
    const memoryId = randomUUID();
    await store.appendToStream(memoryStreamId(memoryId), [edited(memoryId, owner)], { expectedVersion: 0 });
    await eventually(async () => {
      const { rows } = await database.pool.query<{ position: string }>(
        `SELECT position FROM projection_checkpoints WHERE name = 'cache'`,
      );
      const all = await store.readAll({ after: { commit: 0n, prepare: 0n }, limit: 1000 });
      const last = all[all.length - 1]!.position;
      return rows[0]?.position === `${last.commit}/${last.prepare}`;
    });

    // Stopped while an event is appended: the entry set meanwhile is still invalidated on restart.
    await broker.stop();
    await cache.set(memoryCacheKey(owner, memoryId), { version: 1 }, 60);
    await store.appendToStream(memoryStreamId(memoryId), [edited(memoryId, owner)], { expectedVersion: 1 });
    broker = new ServiceBroker({ logger: false, namespace: `sb-test-${randomBytes(6).toString("hex")}` });
    broker.createService(memoryCacheService({ store, cache, pool: database.pool, logger: quiet }));
    await broker.start();
    await eventually(async () => (await cache.get(memoryCacheKey(owner, memoryId))) === undefined);
  });
});
