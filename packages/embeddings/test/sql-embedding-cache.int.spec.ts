import { expect } from "chai";
import fc from "fast-check";
import { openEmbeddedDatabase, runMigrations, type SqlPool } from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { createCachedEmbedder } from "../src/cached-embedder.ts";
import { textHash } from "../src/embedding-cache.ts";
import {
  EMBEDDING_CACHE_COMPONENT,
  createSqlEmbeddingCache,
  embeddingCacheMigrations,
  packVector,
  purgeOwnerEmbeddings,
  unpackVector,
} from "../src/sql-embedding-cache.ts";
import { createFakeEmbedder, fakeVector } from "./fake-embedder.ts";

const backends: Array<{ name: string; open(): Promise<{ pool: SqlPool; close(): Promise<void> }> }> = [
  {
    name: "PostgreSQL",
    open: async () => {
      const database: TestDatabase = await createTestDatabase("sb_embcache");
      return { pool: database.pool, close: () => database.drop() };
    },
  },
  {
    name: "PGlite",
    open: async () => {
      const pool = await openEmbeddedDatabase(undefined);
      return { pool, close: () => pool.end() };
    },
  },
];

for (const backend of backends) {
  describe(`SQL embedding cache on ${backend.name}`, function () {
    let pool: SqlPool;
    let close: () => Promise<void>;

    before(async () => {
      ({ pool, close } = await backend.open());
      await runMigrations(pool, EMBEDDING_CACHE_COMPONENT, embeddingCacheMigrations);
      await runMigrations(pool, EMBEDDING_CACHE_COMPONENT, embeddingCacheMigrations); // idempotent
    });
    after(async () => {
      await close();
    });
    beforeEach(async () => {
      await pool.query("DELETE FROM embedding_cache");
    });

    it("stores and finds vectors by model and text hash, in single precision", async () => {
      const cache = createSqlEmbeddingCache(pool);
      const vector = fakeVector("hello", 512);
      await cache.put("m1", "alice", [{ textHash: textHash("hello"), vector }]);
      const found = await cache.get("m1", "alice", [textHash("hello"), textHash("absent")]);
      expect([...found.keys()]).to.deep.equal([textHash("hello")]);
      expect(found.get(textHash("hello"))).to.deep.equal(vector.map(Math.fround));
      expect((await cache.get("m2", "alice", [textHash("hello")])).size).to.equal(0);
      expect((await cache.get("m1", "bob", [textHash("hello")])).size).to.equal(0);
    });

    it("keeps the first vector when the same key is put twice", async () => {
      const cache = createSqlEmbeddingCache(pool);
      await cache.put("m", "alice", [{ textHash: textHash("t"), vector: [1, 0] }]);
      await cache.put("m", "alice", [{ textHash: textHash("t"), vector: [0, 1] }]);
      expect((await cache.get("m", "alice", [textHash("t")])).get(textHash("t"))).to.deep.equal([1, 0]);
    });

    it("makes a second pass over the same texts free, with identical vectors", async () => {
      const inner = createFakeEmbedder({ dimensions: 512 });
      const texts = Array.from({ length: 300 }, (_, i) => `memory ${i}`);
      const first = await createCachedEmbedder(inner, createSqlEmbeddingCache(pool)).embed(texts, "alice");
      // A fresh embedder (as after a restart) over the same table: nothing reaches the model.
      const replay = await createCachedEmbedder(inner, createSqlEmbeddingCache(pool)).embed(texts, "alice");
      expect(inner.calls).to.have.length(1);
      expect(replay).to.deep.equal(first);
    });

    it("purges an erased owner's vectors under every model, and nobody else's", async () => {
      const cache = createSqlEmbeddingCache(pool);
      const secret = textHash("secret");
      await cache.put("m1", "erased", [{ textHash: secret, vector: [1] }]);
      await cache.put("m2", "erased", [{ textHash: secret, vector: [1] }]);
      await cache.put("m1", "kept", [{ textHash: secret, vector: [2] }]);
      expect(await purgeOwnerEmbeddings(pool, "erased")).to.equal(2);
      expect((await cache.get("m1", "erased", [secret])).size).to.equal(0);
      expect((await cache.get("m2", "erased", [secret])).size).to.equal(0);
      expect((await cache.get("m1", "kept", [secret])).size).to.equal(1);
      expect(await purgeOwnerEmbeddings(pool, "nobody")).to.equal(0);
    });
  });
}

describe("packed cache vectors", () => {
  it("unpack what they pack, in single precision, for any numbers", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 600 }), (vector) => {
        expect(unpackVector(packVector(vector))).to.deep.equal(vector.map(Math.fround));
      }),
    );
  });

  for (const backend of backends) {
    it(`are what the migration makes of the vectors cached before it, on ${backend.name}`, async () => {
      const { pool, close } = await backend.open();
      try {
        const earlier = embeddingCacheMigrations.filter(
          (m) => !m.name.endsWith("_embedding_cache_packed_vectors"),
        );
        await runMigrations(pool, EMBEDDING_CACHE_COMPONENT, earlier);
        const vectors = [fakeVector("before", 512), [-0.5, 1e-30, 3.4e38, -1, 0], []];
        for (const [i, vector] of vectors.entries()) {
          await pool.query(
            `INSERT INTO embedding_cache (owner_id, model, text_hash, vector) VALUES ('alice', 'm', decode($1, 'hex'), $2::real[])`,
            [textHash(`t${i}`), `{${vector.join(",")}}`],
          );
        }
        await runMigrations(pool, EMBEDDING_CACHE_COMPONENT, embeddingCacheMigrations);
        const found = await createSqlEmbeddingCache(pool).get(
          "m",
          "alice",
          vectors.map((_, i) => textHash(`t${i}`)),
        );
        expect(vectors.map((_, i) => found.get(textHash(`t${i}`)))).to.deep.equal(
          vectors.map((vector) => vector.map(Math.fround)),
        );
      } finally {
        await close();
      }
    });
  }
});
