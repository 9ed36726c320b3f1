import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { MemoryEventEnvelope } from "@second-brain/contracts";
import { openEmbeddedDatabase, type SqlPool } from "@second-brain/platform";
import { documentsTable, ownerStatsTable, type SearchDocument } from "@second-brain/read-models";
import { createTestDatabase, memoryCreatedData, type TestDatabase } from "@second-brain/testing";
import { migrateSearchIndex } from "../src/migrations/index.ts";
import { evolveSearchDocument } from "../src/read-model/search.evolve.ts";
import { loadDocuments, upsertDocuments } from "../src/read-model/search.rows.ts";
import { createDocumentsTable } from "../src/read-model/search.tables.ts";

const MODEL = "test/rows-8";
const DIMENSIONS = 8;

/** A new memory's document with `embedding`, as the projection writes it. */
function documentWith(embedding: number[] | null): SearchDocument {
  const id = randomUUID();
  const created = {
    type: "MemoryCreated",
    data: memoryCreatedData(id, { content: `note ${id}` }),
    streamVersion: 1,
    metadata: { ownerId: "owner-rows", occurredAt: "2026-01-01T00:00:00.000Z" },
  } as MemoryEventEnvelope;
  return { ...evolveSearchDocument(null, created)!, embedding };
}

/** Values a float4 holds exactly, of every sign and size, the edges of the range included. */
function awkwardVector(seed: number): number[] {
  const edges = [0, -0, 1, -1, 3.4028234663852886e38, -1.1754943508222875e-38, 1e-45, 0.1];
  return Array.from({ length: DIMENSIONS }, (_, i) =>
    Math.fround(i + seed < edges.length ? edges[i + seed]! : Math.sin(seed * 31 + i) * 10 ** ((i % 7) - 3)),
  );
}

for (const kind of ["postgres", "pglite"] as const) {
  describe(`search documents written to ${kind}`, function () {
    this.timeout(60_000);
    let database: TestDatabase | undefined;
    let pool: SqlPool;

    before(async () => {
      if (kind === "postgres") {
        database = await createTestDatabase("sb_search_rows");
        pool = database.pool;
      } else {
        pool = await openEmbeddedDatabase(undefined);
      }
      await migrateSearchIndex(pool);
      await createDocumentsTable(pool, MODEL, DIMENSIONS);
    });
    after(async () => {
      if (database) await database.drop();
      else await pool?.end();
    });

    it("keeps every vector exactly as a float4 holds it, and a missing one as none", async () => {
      const docs = [...[0, 1, 2, 3].map((seed) => documentWith(awkwardVector(seed))), documentWith(null)];
      const target = {
        table: documentsTable(MODEL),
        statsTable: ownerStatsTable(MODEL),
        binaryVectors: kind === "postgres",
      };
      await upsertDocuments(pool, target, docs);
      // Written again with new vectors: the upsert replaces them.
      const rewritten = docs.map((doc, i) => ({ ...doc, embedding: i === 4 ? null : awkwardVector(i + 4) }));
      await upsertDocuments(pool, target, rewritten);
      const stored = await loadDocuments(
        pool,
        target.table,
        rewritten.map((doc) => doc.id),
      );
      for (const doc of rewritten) {
        const embedding = stored.get(doc.id)?.embedding;
        expect(
          embedding === null ? null : embedding?.map((value) => Math.fround(value)),
          doc.id,
        ).to.deep.equal(doc.embedding);
      }
    });
  });
}
