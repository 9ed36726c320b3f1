import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { EventStore } from "@second-brain/event-store";
import type { Embedder } from "@second-brain/embeddings";
import { createMemoryCache, type Keyring } from "@second-brain/platform";
import { USER_ERASED, userStreamId } from "@second-brain/contracts";
import { activeModel, documentsTable } from "@second-brain/read-models";
import {
  appendMemoryEvents,
  createHashedEmbedder,
  eventMetadata,
  memoryCreatedData,
  openTestEventLog,
  waitUntil,
  type TestEventLog,
} from "@second-brain/testing";
import {
  migrateSearchIndex,
  startSearchProjection,
  type SearchProjection,
} from "@second-brain/testing/search-read-model";
import { createSearcher } from "../src/application/search-memories.ts";
import { normalizeSearch } from "../src/domain/search-request.ts";

/** A slow model: each call waits, so the rebuild for a new model takes a while. */
function slowly(embedder: Embedder, delayMs: number): Embedder {
  return {
    ...embedder,
    embed: async (texts) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return embedder.embed(texts);
    },
  };
}

// Vectors belong to a model. Changing the model fills new storage from the log while search goes
// on answering from the old one, then switches over: at no moment does search come back empty.
describe("changing the embedding model (PostgreSQL)", function () {
  this.timeout(120_000);
  let log: TestEventLog;
  let store: EventStore;
  let keyring: Keyring;
  const owner = `owner-${randomUUID()}`;
  const projections: SearchProjection[] = [];

  before(async () => {
    log = await openTestEventLog("sb_model_switch");
    ({ store, keyring } = log);
    await migrateSearchIndex(log.pool);
    await keyring.ensureKey(owner);
  });

  after(async () => {
    for (const projection of projections) await projection.stop();
    await log?.close();
  });

  async function createMemory(content: string): Promise<string> {
    const key = (await keyring.getKey(owner))!;
    const memoryId = randomUUID();
    const data = memoryCreatedData(memoryId, { content, confidence: 1 });
    await appendMemoryEvents(store, memoryId, owner, key, [{ type: "MemoryCreated", data }]);
    return memoryId;
  }

  it("keeps answering from the old model until the new one has caught up, then switches", async () => {
    const oldModel = createHashedEmbedder(512, "hashed-old");
    const newModel = slowly(createHashedEmbedder(512, "hashed-new"), 150);
    const cache = createMemoryCache();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await createMemory(`harbour lighthouse note number ${i}`));

    const oldProjection = await startSearchProjection({
      pool: log.pool,
      store,
      keyring,
      embedder: oldModel,
      cache,
    });
    projections.push(oldProjection);
    const oldSearcher = createSearcher({ pool: log.pool, cache, embedder: async () => oldModel });
    const request = normalizeSearch({ query: "harbour lighthouse", mode: "hybrid", limit: 50 });
    // The old model indexes every memory first.
    await waitUntil(async () => (await oldSearcher.search(owner, request)).length >= 40, 20_000);
    expect(await activeModel(log.pool)).to.equal("hashed-old");

    // Deploy the new model: its projection replays the log from 0 into its own table, slowly
    // (40 memories in batches of 4, 150 ms per embedding call), while the old one keeps running.
    const newProjection = await startSearchProjection({
      pool: log.pool,
      store,
      keyring,
      embedder: newModel,
      cache,
      batchSize: 4,
    });
    projections.push(newProjection);
    const newSearcher = createSearcher({
      pool: log.pool,
      cache: createMemoryCache(),
      embedder: async () => newModel,
    });
    let answersDuringRebuild = 0;
    while (!newProjection.ready()) {
      const hits = await newSearcher.search(owner, request);
      expect(hits.map((hit) => hit.memory.id).sort()).to.deep.equal([...ids].sort());
      answersDuringRebuild++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answersDuringRebuild, "searches answered while the new model was being built").to.be.greaterThan(
      3,
    );
    expect(await activeModel(log.pool)).to.equal("hashed-new");

    const after = await createSearcher({
      pool: log.pool,
      cache: createMemoryCache(),
      embedder: async () => newModel,
    }).search(owner, normalizeSearch({ query: "harbour lighthouse", mode: "semantic", limit: 50 }));
    expect(after.map((hit) => hit.memory.id).sort()).to.deep.equal([...ids].sort());

    // The old model's projection is gone (as after a deploy); the owner's erasure still empties
    // its table: the new model's projection purges the owner from every model's tables.
    await oldProjection.stop();
    const erasure = randomUUID();
    await store.appendToStream(
      userStreamId(owner),
      [{ id: erasure, type: USER_ERASED, data: { userId: owner }, metadata: eventMetadata(owner) }],
      { expectedVersion: "any" },
    );
    const rowsOf = async (model: string) => {
      const { rows } = await log.pool.query(`SELECT 1 FROM ${documentsTable(model)} WHERE owner_id = $1`, [
        owner,
      ]);
      return rows.length;
    };
    await waitUntil(async () => (await rowsOf("hashed-new")) === 0, 20_000);
    expect(await rowsOf("hashed-old")).to.equal(0);
  });
});
