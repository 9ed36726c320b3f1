import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { formatPosition, START_OF_LOG, type LogPosition, type RecordedEvent } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { inTransaction, type SqlClient, type SqlPool } from "@second-brain/platform";
import { eventMetadata, openTestEventLog, waitUntil, type TestEventLog } from "@second-brain/testing";
import {
  CheckpointMovedError,
  createCheckpointsTable,
  ensureCheckpoint,
  projectBatch,
  readCheckpoint,
  setCheckpoint,
  startProjection,
  type BatchHandlers,
} from "../src/index.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NAME = "seen";

/** A read model that records which events it saw; idempotent by event id. */
const recordSeen: BatchHandlers<undefined> = {
  apply: async (client: SqlClient, events: readonly RecordedEvent[]) => {
    for (const event of events) {
      await client.query(`INSERT INTO seen (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, [event.id]);
    }
  },
};

describe("projection mechanism (checkpoint + batch transaction)", function () {
  let log: TestEventLog;
  let pool: SqlPool;
  let store: EventStore;

  const append = async (count: number): Promise<string[]> => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await store.appendToStream(
      `thing-${randomUUID()}`,
      ids.map((id) => ({
        id,
        type: "ThingHappened",
        data: {},
        metadata: eventMetadata("u1"),
      })),
      { expectedVersion: 0 },
    );
    return ids;
  };
  const seen = async () => (await pool.query<{ event_id: string }>(`SELECT event_id FROM seen`)).rows.length;
  const checkpoint = async () => formatPosition(await readCheckpoint(pool, NAME));
  const head = async (): Promise<LogPosition> => {
    const all = await store.readAll({ after: START_OF_LOG, limit: 10_000 });
    return all[all.length - 1]!.position;
  };

  beforeEach(async () => {
    log = await openTestEventLog("sb_projection");
    ({ pool, store } = log);
    await inTransaction(pool, createCheckpointsTable);
    await pool.query(`CREATE TABLE seen (event_id text PRIMARY KEY)`);
  });

  afterEach(async () => {
    await log.close();
  });

  it("projects the log, keeps its checkpoint and resumes from it", async () => {
    await append(5);
    let projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: quiet,
      batchSize: 2,
      ...recordSeen,
    });
    await waitUntil(async () => (await seen()) === 5);
    expect(await checkpoint()).to.equal(formatPosition(await head()));
    await projection.stop();

    let delivered = 0;
    await append(3);
    projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: quiet,
      apply: async (client, events) => {
        delivered += events.length;
        await recordSeen.apply(client, events, undefined);
      },
    });
    await waitUntil(async () => (await seen()) === 8);
    await projection.stop();
    expect(delivered).to.equal(3);
    expect(formatPosition(projection.position())).to.equal(formatPosition(await head()));
  });

  it("admits one writer per position: a stale batch fails with CheckpointMovedError and writes nothing", async () => {
    await append(3);
    await ensureCheckpoint(pool, NAME);
    // The log shows an event once no older transaction (of any database on the server) is in flight.
    let events: RecordedEvent[] = [];
    await waitUntil(
      async () => (events = await store.readAll({ after: START_OF_LOG, limit: 100 })).length === 3,
    );
    const done = await projectBatch({ pool, name: NAME }, recordSeen, START_OF_LOG, events);
    expect(formatPosition(done!.position)).to.equal(formatPosition(events[2]!.position));

    await pool.query(`DELETE FROM seen`);
    const failure = await projectBatch({ pool, name: NAME }, recordSeen, START_OF_LOG, events).catch(
      (e) => e,
    );
    expect(failure).to.be.instanceOf(CheckpointMovedError);
    expect(await seen()).to.equal(0);
    expect(await projectBatch({ pool, name: NAME }, recordSeen, done!.position, events)).to.equal(null);
  });

  it("leaves nothing behind when apply fails transiently, then retries the batch", async () => {
    await append(2);
    let failing = true;
    const errors: string[] = [];
    const projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: { ...quiet, warn: (message: string) => errors.push(message) },
      apply: async (client, events) => {
        await recordSeen.apply(client, events, undefined);
        if (failing) throw Object.assign(new Error("could not serialize access"), { code: "40001" });
      },
    });
    await waitUntil(async () => errors.length > 0);
    // The rows written before the failure rolled back with the checkpoint.
    expect(await seen()).to.equal(0);
    expect(await checkpoint()).to.equal(formatPosition(START_OF_LOG));
    failing = false;
    await waitUntil(async () => (await seen()) === 2);
    await projection.stop();
    expect(await checkpoint()).to.equal(formatPosition(await head()));
  });

  it("restarts from the stored checkpoint when another writer moves it", async () => {
    const early = await append(2);
    let release: () => void = () => undefined;
    let held: Promise<void> | null = null;
    const projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: quiet,
      prepare: async () => held ?? undefined,
      apply: recordSeen.apply,
    });
    await waitUntil(async () => (await seen()) === 2);
    // The next batch waits before its transaction while another writer (or a rebuild) moves past it.
    held = new Promise<void>((resolve) => (release = resolve));
    await append(2);
    const skipped = await head();
    await inTransaction(pool, (client) => setCheckpoint(client, NAME, skipped));
    held = null;
    release();
    const late = await append(1);
    await waitUntil(async () => (await seen()) === 3);
    await projection.stop();
    const rows = (await pool.query<{ event_id: string }>(`SELECT event_id FROM seen`)).rows.map(
      (r) => r.event_id,
    );
    expect(rows).to.have.members([...early, ...late]);
    expect(await checkpoint()).to.equal(formatPosition(await head()));
  });

  it("runs prepare before the transaction and afterCommit after it, with the prepared context", async () => {
    await append(2);
    const steps: string[] = [];
    const projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: quiet,
      prepare: async (events) => {
        steps.push("prepare");
        return events.length;
      },
      apply: async (client, events, count) => {
        steps.push(`apply ${count}`);
        await recordSeen.apply(client, events, undefined);
      },
      afterCommit: async (_events, count) => {
        steps.push(`after ${count} ${await checkpoint()}`);
        throw new Error("best effort");
      },
    });
    await waitUntil(async () => steps.length === 3);
    await projection.stop();
    expect(steps).to.deep.equal(["prepare", "apply 2", `after 2 ${formatPosition(await head())}`]);
  });

  it("notices the end of the log once, even when it ends exactly at a full batch", async () => {
    await append(4);
    let calls = 0;
    const projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: quiet,
      batchSize: 2,
      onceCaughtUp: async () => void calls++,
      ...recordSeen,
    });
    await waitUntil(async () => calls > 0);
    expect(await seen()).to.equal(4);
    await append(1);
    await waitUntil(async () => (await seen()) === 5);
    await projection.stop();
    expect(calls).to.equal(1);
  });
});
