import { expect } from "chai";
import { formatPosition, START_OF_LOG, storedBytesOf, type LogPosition } from "@second-brain/contracts";
import { revertMigrations } from "@second-brain/platform";
import { CheckpointMovedError, readCheckpoint } from "@second-brain/projection";
import {
  applyMemoryEvents,
  projectMemoriesBatch,
  type BatchTarget,
} from "../src/read-model/memories.apply.ts";
import { startMemoriesProjection } from "../src/read-model/memories.projection.ts";
import { rebuildMemories } from "../src/read-model/memories.rebuild.ts";
import { getMemory, listMemories } from "../src/read-model/memories.queries.ts";
import { MEMORY_COLUMNS, prefetchKeys, StreamGapError } from "@second-brain/read-models";
import { eventMetadata } from "@second-brain/testing";
import { MEMORIES_MIGRATIONS, migrateMemoryViews } from "../src/migrations/index.ts";
import { created, lifeOf, newId, openFixture, snapshotRows, waitFor, type Fixture } from "./fixture.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function caughtUp(fixture: Fixture): Promise<LogPosition> {
  const all = await fixture.store.readAll({ after: START_OF_LOG, limit: 100_000 });
  return all[all.length - 1]!.position;
}

async function columnsOf(fixture: Fixture): Promise<string[]> {
  const { rows } = await fixture.pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'memories'`,
  );
  return rows.map((row) => row.column_name);
}

/** The usage rows of `owners`, and what they should say: counted from the memories table itself. */
async function usageAndCount(fixture: Fixture, owners: string[]) {
  const { rows: kept } = await fixture.pool.query<{
    owner_id: string;
    memories: string;
    stored_bytes: string;
  }>(
    `SELECT owner_id, memories::text, stored_bytes::text FROM memories_usage
      WHERE owner_id = ANY($1) ORDER BY owner_id`,
    [owners],
  );
  const { rows: live } = await fixture.pool.query<{
    owner_id: string;
    title: string | null;
    content: string;
    metadata: unknown;
  }>(
    `SELECT owner_id, title, content, metadata FROM memories WHERE owner_id = ANY($1) AND status <> 'deleted'`,
    [owners],
  );
  const counted = [...owners].sort().map((owner) => {
    const mine = live.filter((row) => row.owner_id === owner);
    const bytes = mine.reduce((sum, row) => sum + storedBytesOf(row), 0);
    return { owner_id: owner, memories: String(mine.length), stored_bytes: String(bytes) };
  });
  return { kept, counted: counted.filter((row) => row.memories !== "0") };
}

async function seed(fixture: Fixture, owners: string[], perOwner: number): Promise<string[]> {
  const ids: string[] = [];
  for (const owner of owners) {
    for (let i = 0; i < perOwner; i++) {
      const id = newId();
      ids.push(id);
      await fixture.append(id, owner, [created(id, { tags: ["home", `n${i}`] })]);
      const later = lifeOf(id, i);
      if (later.length > 0) await fixture.append(id, owner, later);
    }
  }
  return ids;
}

describe("memories projection on PostgreSQL", function () {
  let fixture: Fixture;
  const alice = `alice-${newId()}`;
  const bob = `bob-${newId()}`;

  before(async () => {
    fixture = await openFixture("postgres");
  });
  after(async () => {
    await fixture?.close();
  });

  it("projects every event type, and a rebuild from 0 gives the same rows", async () => {
    await seed(fixture, [alice, bob], 14);
    const projection = await startMemoriesProjection({ ...fixture, logger: quiet, batchSize: 7 });
    const head = await caughtUp(fixture);
    await waitFor(async () => formatPosition(projection.position()) === formatPosition(head));
    await projection.stop();
    const live = await snapshotRows(fixture.pool);
    expect(live).to.have.length(28);
    expect(live.filter((row) => (row as { status: string }).status === "deleted")).to.have.length(4);
    const usage = await usageAndCount(fixture, [alice, bob]);
    expect(usage.kept).to.have.length(2);
    expect(usage.kept).to.deep.equal(usage.counted);

    const result = await rebuildMemories({ ...fixture, logger: quiet, batchSize: 5, progressEvery: 20 });
    expect(formatPosition(result.position)).to.equal(formatPosition(head));
    expect(await snapshotRows(fixture.pool)).to.deep.equal(live);
    expect((await usageAndCount(fixture, [alice, bob])).kept).to.deep.equal(usage.kept);
    expect(formatPosition(await readCheckpoint(fixture.pool, "memories"))).to.equal(formatPosition(head));
    const { rows: indexes } = await fixture.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'memories' ORDER BY indexname`,
    );
    expect(indexes.map((index) => index.indexname)).to.deep.equal([
      "memories_owner_list",
      "memories_pkey",
      "memories_tags",
    ]);
    // The table holds what the projection writes and nothing else (search has tables of its own).
    expect(await columnsOf(fixture)).to.have.members([...MEMORY_COLUMNS]);

    // Upgrading a table that still has the unread search columns (and no status to restore to,
    // nor usage, added after them) keeps every row as it was and counts the usage from the rows.
    await revertMigrations(fixture.pool, "memories-projection", MEMORIES_MIGRATIONS, 3);
    expect(await columnsOf(fixture)).to.include.members(["embedding", "search_text"]);
    await migrateMemoryViews(fixture.pool);
    expect(await columnsOf(fixture)).to.have.members([...MEMORY_COLUMNS]);
    expect(await snapshotRows(fixture.pool)).to.deep.equal(live);
    expect((await usageAndCount(fixture, [alice, bob])).kept).to.deep.equal(usage.kept);

    // Dropping the read model entirely and projecting from 0 also gives the same rows.
    await revertMigrations(
      fixture.pool,
      "memories-projection",
      MEMORIES_MIGRATIONS,
      MEMORIES_MIGRATIONS.length,
    );
    expect(await columnsOf(fixture)).to.deep.equal([]);
    await migrateMemoryViews(fixture.pool);
    const again = await startMemoriesProjection({ ...fixture, logger: quiet, batchSize: 3 });
    await waitFor(async () => formatPosition(again.position()) === formatPosition(head));
    await again.stop();
    expect(await snapshotRows(fixture.pool)).to.deep.equal(live);
    expect((await usageAndCount(fixture, [alice, bob])).kept).to.deep.equal(usage.kept);
  });

  it("reads: another owner's and deleted memories are absent; lists page by cursor", async () => {
    // Owners of its own, projected here: the test does not lean on rows an earlier test left.
    const carol = `carol-${newId()}`;
    const dave = `dave-${newId()}`;
    const ids = await seed(fixture, [carol, dave], 12);
    const projection = await startMemoriesProjection({ ...fixture, logger: quiet, batchSize: 50 });
    const head = await caughtUp(fixture);
    await waitFor(async () => formatPosition(projection.position()) === formatPosition(head));
    await projection.stop();
    const { rows } = await fixture.pool.query<{ id: string; owner_id: string; status: string }>(
      `SELECT id, owner_id, status FROM memories WHERE owner_id = ANY($1)`,
      [[carol, dave]],
    );
    expect(rows.map((row) => row.id).sort()).to.deep.equal([...ids].sort());
    const carolsActive = rows.filter((row) => row.owner_id === carol && row.status === "active");
    const daves = rows.find((row) => row.owner_id === dave && row.status === "active")!;
    const deleted = rows.find((row) => row.owner_id === carol && row.status === "deleted")!;
    expect(await getMemory(fixture.db, carol, daves.id)).to.equal(null);
    expect(await getMemory(fixture.db, carol, deleted.id)).to.equal(null);
    expect((await getMemory(fixture.db, dave, daves.id))!.id).to.equal(daves.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMemories(fixture.db, carol, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      expect(page.items.every((item) => item.status === "active")).to.equal(true);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect([...seen].sort()).to.deep.equal(carolsActive.map((row) => row.id).sort());
    expect(new Set(seen).size).to.equal(seen.length);

    const archived = await listMemories(fixture.db, carol, { status: "archived" });
    expect(archived.items.length).to.be.greaterThan(0);
    expect(archived.items.every((item) => item.status === "archived")).to.equal(true);
    const tagged = await listMemories(fixture.db, carol, { tag: "work", limit: 100 });
    expect(tagged.items.length).to.be.greaterThan(0);
    expect(tagged.items.every((item) => item.tags.includes("work"))).to.equal(true);
  });

  it("a batch that fails midway leaves nothing behind, and a rerun gives the same result", async () => {
    const from = await readCheckpoint(fixture.pool, "memories");
    const first = newId();
    const second = newId();
    const carol = `carol-${newId()}`;
    await fixture.append(first, alice, [created(first)]);
    await fixture.append(second, carol, [created(second), ...lifeOf(second, 2)]);
    const batch = await fixture.store.readAll({ after: from, limit: 100 });
    expect(batch).to.have.length(4);

    // Losing the third event makes the fourth skip a version: the batch fails on it, after the
    // first two were already written inside the transaction.
    const broken = [batch[0]!, batch[1]!, batch[3]!];
    const target: BatchTarget = {
      pool: fixture.pool,
      keyring: fixture.keyring,
      table: "memories",
      checkpoint: "memories",
    };
    const before = await snapshotRows(fixture.pool);
    let failure: unknown;
    await projectMemoriesBatch(target, from, broken).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(StreamGapError);
    expect(await snapshotRows(fixture.pool)).to.deep.equal(before);
    expect(formatPosition(await readCheckpoint(fixture.pool, "memories"))).to.equal(formatPosition(from));

    const next = await projectMemoriesBatch(target, from, batch);
    expect(formatPosition(next)).to.equal(formatPosition(batch[3]!.position));
    expect((await getMemory(fixture.db, alice, first))!.version).to.equal(1);
    expect((await getMemory(fixture.db, carol, second))!).to.include({ version: 3, content: "edited 2" });
  });

  it("delivering the same batch twice changes nothing", async () => {
    const from = await readCheckpoint(fixture.pool, "memories");
    const id = newId();
    await fixture.append(id, alice, [created(id), ...lifeOf(id, 3)]);
    const batch = await fixture.store.readAll({ after: from, limit: 100 });
    const target: BatchTarget = {
      pool: fixture.pool,
      keyring: fixture.keyring,
      table: "memories",
      checkpoint: "memories",
    };
    const next = await projectMemoriesBatch(target, from, batch);
    const once = await snapshotRows(fixture.pool);

    // From a stale checkpoint: refused as a whole.
    let failure: unknown;
    await projectMemoriesBatch(target, from, batch).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(CheckpointMovedError);
    // From the current one: every event is already behind it.
    expect(formatPosition(await projectMemoriesBatch(target, next, batch))).to.equal(formatPosition(next));
    // Bypassing the checkpoint altogether: the row versions make it a no-op.
    const client = await fixture.pool.connect();
    try {
      await applyMemoryEvents(client, "memories", await prefetchKeys(fixture.keyring, batch), batch);
    } finally {
      client.release();
    }
    expect(await snapshotRows(fixture.pool)).to.deep.equal(once);
  });

  it("keeps projecting when a rebuild moves the checkpoint under it", async () => {
    const projection = await startMemoriesProjection({ ...fixture, logger: quiet, batchSize: 2 });
    const ids = await seed(fixture, [bob], 6);
    const rebuilt = rebuildMemories({ ...fixture, logger: quiet, batchSize: 4 });
    await seed(fixture, [bob], 6);
    await rebuilt;
    const more = newId();
    await fixture.append(more, bob, [created(more), ...lifeOf(more, 1)]);
    const head = await caughtUp(fixture);
    await waitFor(
      async () => formatPosition(await readCheckpoint(fixture.pool, "memories")) === formatPosition(head),
    );
    await projection.stop();
    const live = await snapshotRows(fixture.pool);
    expect((await getMemory(fixture.db, bob, more))!.version).to.equal(2);
    expect(ids.length).to.equal(6);

    await revertMigrations(fixture.pool, "memories-projection", MEMORIES_MIGRATIONS);
    await migrateMemoryViews(fixture.pool);
    await rebuildMemories({ ...fixture, logger: quiet });
    expect(await snapshotRows(fixture.pool)).to.deep.equal(live);
  });

  it("restarts from the stored checkpoint when another writer moves it", async () => {
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (message: string) => warnings.push(message) };
    const projection = await startMemoriesProjection({ ...fixture, logger, batchSize: 50 });
    const head = await caughtUp(fixture);
    await waitFor(async () => formatPosition(projection.position()) === formatPosition(head));
    const before = await snapshotRows(fixture.pool);

    // As if another instance had written an older position: the next batch's compare-and-set fails.
    await fixture.pool.query(`UPDATE projection_checkpoints SET position = '0/0' WHERE name = 'memories'`);
    const id = newId();
    await fixture.append(id, alice, [created(id)]);
    projection.wake();
    const last = await caughtUp(fixture);
    await waitFor(
      async () => formatPosition(await readCheckpoint(fixture.pool, "memories")) === formatPosition(last),
    );
    await projection.stop();
    expect(warnings.some((message) => message.startsWith("checkpoint moved"))).to.equal(true);
    // The replay from 0 found every row already at its version; only the new memory was added.
    const after = await snapshotRows(fixture.pool);
    expect(after.filter((row) => (row as { id: string }).id !== id)).to.deep.equal(before);
    expect(after).to.have.length(before.length + 1);
  });

  it("purges an erased owner's rows instead of failing", async () => {
    const dave = `dave-${newId()}`;
    const id = newId();
    await fixture.append(id, dave, [created(id)]);
    const projection = await startMemoriesProjection({ ...fixture, logger: quiet });
    await waitFor(async () => (await getMemory(fixture.db, dave, id)) !== null);
    expect((await usageAndCount(fixture, [dave])).kept).to.have.length(1);
    // An event of the owner's that the projection meets after the erasure: no key, so it purges.
    const key = (await fixture.keyring.getKey(dave))!;
    await fixture.keyring.destroyKey(dave);
    await fixture.appendWithKey(id, dave, key, [
      { type: "MemoryTagsSet", data: { memoryId: id, tags: ["x"] } },
    ]);
    const other = newId();
    await fixture.append(other, alice, [created(other)]);
    await waitFor(async () => (await getMemory(fixture.db, alice, other)) !== null);
    await projection.stop();
    const { rows } = await fixture.pool.query(`SELECT 1 FROM memories WHERE owner_id = $1`, [dave]);
    expect(rows).to.have.length(0);
    const { rows: usage } = await fixture.pool.query(`SELECT 1 FROM memories_usage WHERE owner_id = $1`, [
      dave,
    ]);
    expect(usage).to.have.length(0);
  });

  it("purges an erased owner from a rebuild copy left behind by a killed rebuild", async () => {
    const erin = `erin-${newId()}`;
    const id = newId();
    await fixture.append(id, erin, [created(id)]);
    const projection = await startMemoriesProjection({ ...fixture, logger: quiet });
    await waitFor(async () => (await getMemory(fixture.db, erin, id)) !== null);
    // What a rebuild killed before its swap leaves: a copy of the table, never dropped.
    const copy = `memories_rebuild_${Date.now()}`;
    await fixture.pool.query(`CREATE TABLE ${copy} (LIKE memories INCLUDING ALL)`);
    await fixture.pool.query(`INSERT INTO ${copy} SELECT * FROM memories`);
    try {
      await fixture.keyring.destroyKey(erin);
      await fixture.store.appendToStream(
        `user-${erin}`,
        [{ id: newId(), type: "UserErased", data: { userId: erin }, metadata: eventMetadata(erin) }],
        { expectedVersion: "any" },
      );
      await waitFor(async () => (await getMemory(fixture.db, erin, id)) === null);
      const { rows } = await fixture.pool.query(`SELECT 1 FROM ${copy} WHERE owner_id = $1`, [erin]);
      expect(rows).to.have.length(0);
      const { rows: others } = await fixture.pool.query(`SELECT 1 FROM ${copy} WHERE owner_id <> $1`, [erin]);
      expect(others.length).to.be.greaterThan(0);
    } finally {
      await projection.stop();
      await fixture.pool.query(`DROP TABLE ${copy}`);
    }
  });
});
