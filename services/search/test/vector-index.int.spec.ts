import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { MemoryCreatedData } from "@second-brain/contracts";
import { inTransaction } from "@second-brain/platform";
import { documentsTable, ownerStatsTable } from "@second-brain/read-models";
import {
  appendMemoryEvents,
  createHashedEmbedder,
  memoryCreatedData,
  openTestEventLog,
  waitUntil,
  type TestEventLog,
} from "@second-brain/testing";
import {
  createDocumentsTable,
  migrateSearchIndex,
  promoteToVectorIndex,
  SEARCH_MIGRATIONS,
  startSearchProjection,
  type SearchProjection,
} from "@second-brain/testing/search-read-model";
import { semanticCandidates, SEMANTIC_DEFAULTS } from "../src/adapters/semantic-sql.ts";

// The HNSW index holds only the rows of owners large enough to be searched through it: a create
// for anyone else costs no index insert (VECTOR_INDEX_FROM_DOCUMENTS).
describe("the partial vector index", function () {
  this.timeout(60_000);
  const embedder = createHashedEmbedder(512);
  const table = documentsTable(embedder.model);
  const stats = ownerStatsTable(embedder.model);
  let log: TestEventLog;
  let projection: SearchProjection;

  before(async () => {
    log = await openTestEventLog("sb_vector_index");
    await migrateSearchIndex(log.pool);
    projection = await startSearchProjection({
      pool: log.pool,
      store: log.store,
      keyring: log.keyring,
      embedder,
      vectorIndexFrom: 3,
    });
  });

  after(async () => {
    await projection?.stop();
    await log?.close();
  });

  async function create(ownerId: string, data: Partial<MemoryCreatedData> = {}): Promise<string> {
    await log.keyring.ensureKey(ownerId);
    const memoryId = randomUUID();
    const event = { type: "MemoryCreated" as const, data: memoryCreatedData(memoryId, data) };
    await appendMemoryEvents(log.store, memoryId, ownerId, (await log.keyring.getKey(ownerId))!, [event]);
    projection.wake();
    return memoryId;
  }

  // Waits until all `expected` of the owner's rows are projected: the creates may reach the projection
  // in different batches, so an owner's first row can be there before its second.
  async function flags(
    ownerId: string,
    expected: number,
  ): Promise<{ rows: boolean[]; owner: boolean | undefined }> {
    await waitUntil(async () => {
      const { rows } = await log.pool.query(`SELECT 1 FROM ${table} WHERE owner_id = $1`, [ownerId]);
      const { rows: counted } = await log.pool.query(`SELECT documents FROM ${stats} WHERE owner_id = $1`, [
        ownerId,
      ]);
      return rows.length === expected && Number(counted[0]?.documents) === expected;
    });
    const { rows } = await log.pool.query<{ vector_indexed: boolean }>(
      `SELECT vector_indexed FROM ${table} WHERE owner_id = $1 ORDER BY created_at`,
      [ownerId],
    );
    const { rows: owner } = await log.pool.query<{ vector_indexed: boolean }>(
      `SELECT vector_indexed FROM ${stats} WHERE owner_id = $1`,
      [ownerId],
    );
    return { rows: rows.map((row) => row.vector_indexed), owner: owner[0]?.vector_indexed };
  }

  it("leaves a small owner out, and puts all of an owner's rows in once it reaches the threshold", async () => {
    const small = `small-${randomUUID()}`;
    const growing = `growing-${randomUUID()}`;
    await create(small);
    for (let i = 0; i < 2; i++) await create(growing, { content: `note ${i} about gardening` });
    expect(await flags(small, 1)).to.deep.equal({ rows: [false], owner: false });
    expect(await flags(growing, 2)).to.deep.equal({ rows: [false, false], owner: false });

    await create(growing, { content: "the third note, about orchids" });
    expect(await flags(growing, 3)).to.deep.equal({ rows: [true, true, true], owner: true });
    // A later row of an indexed owner enters the index as it is written.
    await create(growing, { content: "a fourth note, about tomatoes" });
    expect(await flags(growing, 4)).to.deep.equal({ rows: [true, true, true, true], owner: true });
    expect(await flags(small, 1)).to.deep.equal({ rows: [false], owner: false });

    // Searched through the index (past exactMaxDocuments), the owner finds all of their rows.
    const target = {
      pool: log.pool,
      table,
      statsTable: stats,
      tuning: { ...SEMANTIC_DEFAULTS, exactMaxDocuments: 2 },
    };
    const query = await embedder.embed(["orchids"]);
    const found = await semanticCandidates(target, growing, query[0]!, { status: "active" }, 4);
    expect(found).to.have.length(4);
  });

  it("can serve a nearest-neighbour query over indexed rows from the index", async () => {
    const plan = await inTransaction(log.pool, async (client) => {
      await client.query("SET LOCAL enable_seqscan = off");
      const vector = `[${Array.from({ length: 512 }, (_, i) => (i === 0 ? 1 : 0)).join(",")}]`;
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT memory_id FROM ${table} d
          WHERE d.vector_indexed ORDER BY d.embedding <=> $1::vector LIMIT 10`,
        [vector],
      );
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(plan).to.include(`${table}_embedding`);
  });

  it("promotes an owner whose rows take longer to index than the statement timeout allows", async () => {
    const owner = `large-${randomUUID()}`;
    const rows = 600;
    await inTransaction(log.pool, async (client) => {
      await client.query(
        `INSERT INTO ${table} (memory_id, owner_id, version, content, type, status, importance, confidence,
                               created_at, updated_at, embedding)
         SELECT gen_random_uuid(), $1, 1, 'bulk', 'semantic', 'active', 0.5, 0.5, now(), now(),
                (SELECT array_agg(random() - 0.5) FROM generate_series(1, 512) WHERE g > 0)::vector
           FROM generate_series(1, $2) AS g`,
        [owner, rows],
      );
      await client.query(`INSERT INTO ${stats} (owner_id, documents) VALUES ($1, $2)`, [owner, rows]);
      const { rows: before } = await client.query<{ statement_timeout: string }>("SHOW statement_timeout");
      await client.query(`SET LOCAL statement_timeout = '20ms'`);
      // Indexing the rows in one statement takes longer than that: without more time it fails.
      await client.query("SAVEPOINT plain");
      const plain = await client
        .query(`UPDATE ${table} SET vector_indexed = true WHERE owner_id = $1`, [owner])
        .then(
          () => null,
          (error: { code?: string }) => error.code,
        );
      expect(plain, "a statement timeout").to.equal("57014");
      await client.query("ROLLBACK TO SAVEPOINT plain");

      expect(await promoteToVectorIndex(client, table, stats, [owner], rows)).to.deep.equal([owner]);
      const { rows: after } = await client.query<{ statement_timeout: string }>("SHOW statement_timeout");
      expect(after[0]!.statement_timeout, "the session's timeout is back").to.equal(
        before[0]!.statement_timeout,
      );
      const { rows: flagged } = await client.query(
        `SELECT 1 FROM ${table} WHERE owner_id = $1 AND vector_indexed`,
        [owner],
      );
      expect(flagged).to.have.length(rows);
    });
  });

  it("upgrades a table indexed whole: owners at the threshold flagged, the index made partial", async () => {
    const model = `legacy-${randomUUID().slice(0, 8)}`;
    const legacy = documentsTable(model);
    const legacyStats = ownerStatsTable(model);
    const [large, small] = [`large-${randomUUID()}`, `small-${randomUUID()}`];
    await inTransaction(log.pool, async (client) => {
      await client.query(`INSERT INTO search_models (model, dimensions) VALUES ($1, 3)`, [model]);
      await createDocumentsTable(client, model, 3);
      // The shape before the partial index: no flags, every row indexed.
      await client.query(`ALTER TABLE ${legacy} DROP COLUMN vector_indexed`);
      await client.query(`ALTER TABLE ${legacyStats} DROP COLUMN vector_indexed`);
      await client.query(
        `CREATE INDEX ${legacy}_embedding ON ${legacy} USING hnsw (embedding vector_cosine_ops)`,
      );
      for (const owner of [large, large, small]) {
        await client.query(
          `INSERT INTO ${legacy} (memory_id, owner_id, version, content, type, status, importance, confidence,
                                  created_at, updated_at, embedding)
           VALUES ($1, $2, 1, 'old', 'semantic', 'active', 0.5, 0.5, now(), now(), '[1,0,0]')`,
          [randomUUID(), owner],
        );
      }
      await client.query(`INSERT INTO ${legacyStats} (owner_id, documents) VALUES ($1, $2), ($3, 1)`, [
        large,
        // As if the owner had reached the threshold (VECTOR_INDEX_FROM_DOCUMENTS).
        1_000_000,
        small,
      ]);
    });
    const migration = SEARCH_MIGRATIONS.find((each) => each.name.endsWith("_partial_vector_index"))!;
    await inTransaction(log.pool, (client) => migration.up(client));

    const { rows } = await log.pool.query<{ owner_id: string; vector_indexed: boolean }>(
      `SELECT owner_id, vector_indexed FROM ${legacy} ORDER BY owner_id`,
    );
    expect(rows.map((row) => [row.owner_id, row.vector_indexed])).to.deep.equal([
      [large, true],
      [large, true],
      [small, false],
    ]);
    const { rows: index } = await log.pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = $1`,
      [`${legacy}_embedding`],
    );
    expect(index[0]?.indexdef).to.match(/WHERE vector_indexed/);
  });
});
