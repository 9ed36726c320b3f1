import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { type MemoryCreatedData, type MemoryEvent } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { createSqlEmbeddingCache } from "@second-brain/embeddings";
import { createMemoryCache, type Cache, type Keyring } from "@second-brain/platform";
import { documentsTable, ownerCachePrefix, ownerStatsTable, vectorLiteral } from "@second-brain/read-models";
import {
  appendMemoryEvents,
  createHashedEmbedder,
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
import { createSearcher, type Searcher } from "../src/application/search-memories.ts";
import { normalizeSearch, type SearchQuery } from "../src/domain/search-request.ts";
import { semanticCandidates, SEMANTIC_DEFAULTS, type SemanticTarget } from "../src/adapters/semantic-sql.ts";

// The search projection and the search use cases on a real PostgreSQL with pgvector, with a
// deterministic bag-of-words embedder (the real model is exercised end to end).
describe("search on PostgreSQL + pgvector", function () {
  this.timeout(120_000);
  const embedder = createHashedEmbedder(512);
  let log: TestEventLog;
  let store: EventStore;
  let keyring: Keyring;
  let cache: Cache;
  let projection: SearchProjection;
  let searcher: Searcher;
  const alice = `alice-${randomUUID()}`;
  const bob = `bob-${randomUUID()}`;

  before(async () => {
    log = await openTestEventLog("sb_search");
    ({ store, keyring } = log);
    await migrateSearchIndex(log.pool);
    cache = createMemoryCache();
    projection = await startSearchProjection({ pool: log.pool, store, keyring, embedder, cache });
    searcher = createSearcher({ pool: log.pool, cache, embedder: async () => embedder });
  });

  after(async () => {
    await projection?.stop();
    await log?.close();
  });

  async function append(memoryId: string, ownerId: string, events: MemoryEvent[]): Promise<void> {
    await keyring.ensureKey(ownerId);
    await appendMemoryEvents(store, memoryId, ownerId, (await keyring.getKey(ownerId))!, events);
    projection.wake();
  }

  async function create(ownerId: string, data: Partial<MemoryCreatedData>): Promise<string> {
    const memoryId = randomUUID();
    await append(memoryId, ownerId, [{ type: "MemoryCreated", data: memoryCreatedData(memoryId, data) }]);
    return memoryId;
  }

  const ids = async (ownerId: string, request: SearchQuery) =>
    (await searcher.search(ownerId, normalizeSearch(request))).map((hit) => hit.memory.id);

  it("finds a memory by meaning and by words, only for its owner, with filters", async () => {
    const session = randomUUID();
    const launch = await create(alice, {
      title: "Product launch",
      content: "The launch of the orchid product moves to Friday the 14th, code ORC-7731.",
      tags: ["work", "launch"],
      type: "episodic",
      sessionId: session,
    });
    const groceries = await create(alice, { content: "Buy oat milk and coffee beans", tags: ["home"] });
    const bobs = await create(bob, {
      content: "The launch of the orchid product is Bob's secret",
      tags: ["work"],
    });

    // Three appends may reach the projection in more than one batch: wait for the last one too.
    await waitUntil(async () =>
      (await ids(alice, { query: "orchid launch", mode: "keyword" })).includes(launch),
    );
    await waitUntil(async () => (await ids(bob, { query: "orchid", mode: "keyword" })).includes(bobs));
    for (const mode of ["semantic", "keyword", "hybrid"] as const) {
      const found = await ids(alice, { query: "orchid product launch", mode });
      expect(found[0], mode).to.equal(launch);
      expect(found, mode).not.to.include(bobs);
    }
    expect(await ids(bob, { query: "orchid product launch" })).to.deep.equal([bobs]);
    expect(await ids(alice, { query: "ORC-7731", mode: "keyword" })).to.deep.equal([launch]);
    expect(await ids(alice, { query: "coffee", filters: { tags: ["home"] } })).to.deep.equal([groceries]);
    expect(await ids(alice, { query: "orchid launch", filters: { tags: ["home"] } })).not.to.include(launch);
    expect(
      await ids(alice, { query: "orchid", filters: { type: "episodic", sessionId: session } }),
    ).to.include(launch);
    expect(await ids(alice, { query: "orchid", filters: { type: "procedural" } })).to.deep.equal([]);
    expect(await ids(alice, { query: "orchid", filters: { from: "2100-01-01T00:00:00Z" } })).to.deep.equal(
      [],
    );
    const hits = await searcher.search(alice, normalizeSearch({ query: "orchid", mode: "keyword" }));
    expect(hits[0]!.highlights?.join(" ")).to.include("<mark>orchid</mark>");
    expect(hits[0]!.memory).to.include({ title: "Product launch", version: 1 });
    expect(hits[0]!.memory).not.to.have.property("ownerId");
  });

  it("shows archived memories only when asked, never deleted ones, and re-embeds edits", async () => {
    const archived = await create(alice, { content: "Zebra crossing near the quarry" });
    const deleted = await create(alice, { content: "Zebra stripes in the deleted note" });
    // The deletion goes first: once the later archiving shows, the deletion has been applied too.
    await append(deleted, alice, [{ type: "MemoryDeleted", data: { memoryId: deleted } }]);
    await append(archived, alice, [{ type: "MemoryArchived", data: { memoryId: archived } }]);
    await waitUntil(async () =>
      (await ids(alice, { query: "zebra", filters: { status: "archived" } })).includes(archived),
    );
    for (const mode of ["semantic", "keyword", "hybrid"] as const) {
      expect(await ids(alice, { query: "zebra", mode }), mode)
        .not.to.include(archived)
        .and.not.to.include(deleted);
      expect(
        await ids(alice, { query: "zebra", mode, filters: { status: "archived" } }),
        mode,
      ).not.to.include(deleted);
    }
    await append(archived, alice, [
      { type: "MemoryEdited", data: { memoryId: archived, content: "Giraffe necks" } },
    ]);
    await waitUntil(
      async () =>
        (
          await ids(alice, { query: "giraffe necks", mode: "semantic", filters: { status: "archived" } })
        )[0] === archived,
    );
    await expectSimilarWorks(archived);
  });

  async function expectSimilarWorks(id: string) {
    const twin = await create(alice, { content: "Giraffe necks are long" });
    await waitUntil(async () => (await searcher.similar(alice, id, 5)).some((hit) => hit.memory.id === twin));
    expect((await searcher.similar(alice, id, 5)).map((h) => h.memory.id)).not.to.include(id);
    let refused: unknown;
    await searcher.similar(bob, id, 5).catch((error: unknown) => (refused = error));
    expect((refused as { status?: number })?.status).to.equal(404);
  }

  it("caches a result list only up to its size bound", async () => {
    const stored: unknown[][] = [];
    const owner = `carol-${randomUUID()}`;
    // Where searchResultKey (packages/read-models/src/cache-keys.ts) puts the owner's answers.
    const resultKeys = `${ownerCachePrefix(owner)}search:`;
    const spied: Cache = {
      ...cache,
      set: (key, value, ttl) => {
        if (key.startsWith(resultKeys)) stored.push(value as unknown[]);
        return cache.set(key, value, ttl);
      },
    };
    const searching = createSearcher({ pool: log.pool, cache: spied, embedder: async () => embedder });
    // Four memories of 90,000 characters: their list is about 360 KB of JSON.
    for (let i = 0; i < 4; i++) await create(owner, { content: `walrus ${"tusk ".repeat(18_000)}${i}` });
    await create(owner, { content: "a pelican note" });
    const search = (query: string) => searching.search(owner, normalizeSearch({ query, mode: "keyword" }));
    await waitUntil(
      async () => (await search("walrus")).length === 4 && (await search("pelican")).length === 1,
    );
    expect(await search("walrus")).to.have.length(4);
    expect(
      stored.filter((hits) => hits.length === 4),
      "the big list",
    ).to.deep.equal([]);
    expect(
      stored.filter((hits) => hits.length === 1),
      "the small list",
    ).to.not.be.empty;
  });

  it("purges an erased owner's documents", async () => {
    const carol = `carol-${randomUUID()}`;
    const note = await create(carol, { content: "Carol keeps a diary about kites" });
    await waitUntil(async () => (await ids(carol, { query: "kites" })).includes(note));
    // A vector cached for her, as the search index's cached embedder stores it.
    await createSqlEmbeddingCache(log.pool).put(embedder.model, carol, [{ textHash: "ab", vector: [1] }]);
    await keyring.destroyKey(carol);
    await append(randomUUID(), carol, []).catch(() => undefined);
    await store.appendToStream(
      `user-${carol}`,
      [
        {
          id: randomUUID(),
          type: "UserErased",
          data: { userId: carol },
          metadata: {
            actor: carol,
            ownerId: carol,
            correlationId: randomUUID(),
            causationId: randomUUID(),
            occurredAt: new Date().toISOString(),
            schemaVersion: 1,
          },
        },
      ],
      { expectedVersion: "any" },
    );
    projection.wake();
    await waitUntil(async () => {
      const { rows } = await log.pool.query(
        `SELECT 1 FROM ${documentsTable(embedder.model)} WHERE owner_id = $1`,
        [carol],
      );
      return rows.length === 0;
    });
    const { rows: cached } = await log.pool.query(`SELECT 1 FROM embedding_cache WHERE owner_id = $1`, [
      carol,
    ]);
    expect(cached).to.deep.equal([]);
  });

  describe("recall of the owner-scoped semantic path", () => {
    const table = documentsTable(embedder.model);
    const stats = ownerStatsTable(embedder.model);
    const big = `big-${randomUUID()}`;
    const small = `small-${randomUUID()}`;
    const vectors = new Map<string, { owner: string; vector: number[] }>();

    before(async () => {
      // 5,000 rows bulk-loaded: one owner with 4,000, one with 100, the rest spread over 90 owners;
      // the large owner's rows are in the (partial) vector index, as the projection would flag them.
      const rows: [string, string, number[]][] = [];
      for (let i = 0; i < 5_000; i++) {
        const owner = i < 4_000 ? big : i < 4_100 ? small : `other-${i % 90}`;
        const vector = clusteredVector(512);
        const id = randomUUID();
        vectors.set(id, { owner, vector });
        rows.push([id, owner, vector]);
      }
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await log.pool.query(
          `INSERT INTO ${table} (memory_id, owner_id, version, content, type, status, importance, confidence,
                                 created_at, updated_at, embedding, vector_indexed)
           SELECT id, owner, 1, 'bulk', 'semantic', 'active', 0.5, 0.5, now(), now(), v::vector, owner = $4
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, owner, v)`,
          [chunk.map((r) => r[0]), chunk.map((r) => r[1]), chunk.map((r) => vectorLiteral(r[2])), big],
        );
      }
      await log.pool.query(
        `INSERT INTO ${stats} (owner_id, documents, vector_indexed)
         SELECT owner_id, count(*), bool_or(vector_indexed) FROM ${table} GROUP BY owner_id
         ON CONFLICT (owner_id) DO UPDATE SET documents = EXCLUDED.documents, vector_indexed = EXCLUDED.vector_indexed`,
      );
      await log.pool.query(`ANALYZE ${table}`);
    });

    function bruteForce(owner: string, query: number[], k: number): string[] {
      return [...vectors]
        .filter(([, v]) => v.owner === owner)
        .map(([id, v]) => ({ id, distance: 1 - dot(v.vector, query) }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, k)
        .map((x) => x.id);
    }

    for (const [label, exactMaxDocuments] of [
      ["exact path", 1_000_000],
      ["HNSW path", 1_000],
    ] as const) {
      it(`${label}: returns 10 rows with recall@10 >= 0.95 for a small and a large owner`, async () => {
        const target: SemanticTarget = {
          pool: log.pool,
          table,
          statsTable: stats,
          tuning: { ...SEMANTIC_DEFAULTS, exactMaxDocuments },
        };
        for (const owner of [small, big]) {
          let hits = 0;
          const queries = 20;
          for (let q = 0; q < queries; q++) {
            const query = clusteredVector(512);
            const found = await semanticCandidates(target, owner, query, { status: "active" }, 10);
            expect(found).to.have.length(10);
            const truth = new Set(bruteForce(owner, query, 10));
            hits += found.filter((c) => truth.has(c.id)).length;
          }
          const recall = hits / (queries * 10);
          if (label === "exact path") expect(recall, owner).to.equal(1);
          else expect(recall, owner).to.be.at.least(0.95);
        }
      });
    }
  });
});

/**
 * Sentence embeddings are not uniform on the sphere: they gather around topics. Uniform random
 * 512-dimension vectors have almost equidistant neighbours, a case no ANN index (nor any real
 * model) produces, so the data here are points around 50 random topic centres.
 */
const CENTRES = Array.from({ length: 50 }, () => randomUnitVector(512));
function clusteredVector(dimensions: number): number[] {
  const centre = CENTRES[Math.floor(Math.random() * CENTRES.length)]!;
  const noise = randomUnitVector(dimensions);
  const v = centre.map((c, i) => c + 0.6 * noise[i]!);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function randomUnitVector(dimensions: number): number[] {
  const v = Array.from({ length: dimensions }, () => Math.random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
