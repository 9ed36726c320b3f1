import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { formatPosition, START_OF_LOG, type RecordedEvent } from "@second-brain/contracts";
import type { EventStore } from "@second-brain/event-store";
import { inTransaction, metricsRegistry, type SqlClient, type SqlPool } from "@second-brain/platform";
import { eventMetadata, openTestEventLog, waitUntil, type TestEventLog } from "@second-brain/testing";
import {
  createCheckpointsTable,
  ensureCheckpoint,
  listParkedEvents,
  PARKED_BEHIND,
  projectOrPark,
  readCheckpoint,
  readParkedStreams,
  startProjection,
  type BatchHandlers,
  type ConsumerState,
  type ProjectionOptions,
  type RunningProjection,
} from "../src/index.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const NAME = "amounts";

/**
 * A read model that stores each event's `amount` in an integer column: an event whose amount is
 * not a number is one PostgreSQL itself refuses (22P02), whatever the batch around it. Applying
 * an event again bumps `applied`, so a double apply shows.
 */
const storeAmounts: BatchHandlers<undefined> = {
  apply: async (client: SqlClient, events: readonly RecordedEvent[]) => {
    for (const event of events) {
      await client.query(
        `INSERT INTO amounts (event_id, stream_id, amount) VALUES ($1, $2, $3)
         ON CONFLICT (event_id) DO UPDATE SET applied = amounts.applied + 1`,
        [event.id, event.streamId, (event.data as { amount: unknown }).amount],
      );
    }
  },
};

/** A small deterministic generator (mulberry32), so a failing case can be replayed by its seed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("parking poison events (projection mechanism)", function () {
  this.timeout(60_000);
  let log: TestEventLog;
  let pool: SqlPool;
  let store: EventStore;
  const running: RunningProjection[] = [];

  /** Appends events with these amounts to `streamId` (created or continued); returns their ids. */
  const append = async (streamId: string, amounts: unknown[]): Promise<string[]> => {
    const ids = amounts.map(() => randomUUID());
    await store.appendToStream(
      streamId,
      amounts.map((amount, i) => ({
        id: ids[i]!,
        type: "AmountRecorded",
        data: { amount },
        metadata: eventMetadata("u1"),
      })),
      { expectedVersion: "any" },
    );
    return ids;
  };
  const start = async (overrides: Partial<ProjectionOptions<undefined>> = {}) => {
    const projection = await startProjection({
      name: NAME,
      pool,
      store,
      logger: quiet,
      batchSize: 50,
      ...storeAmounts,
      ...overrides,
    });
    running.push(projection);
    return projection;
  };
  const stored = async () =>
    (
      await pool.query<{ event_id: string; applied: number }>(
        `SELECT event_id, applied FROM amounts ORDER BY event_id`,
      )
    ).rows;
  const storedIds = async () => (await stored()).map((row) => row.event_id);
  const head = async () => {
    const all = await store.readAll({ after: START_OF_LOG, limit: 10_000 });
    return formatPosition(all[all.length - 1]!.position);
  };
  const atHead = async () => formatPosition(await readCheckpoint(pool, NAME)) === (await head());
  const parkedGauge = async () => {
    const metric = await metricsRegistry.getSingleMetric("projection_parked_streams")!.get();
    return metric.values.find((value) => value.labels.projection === NAME)?.value;
  };

  beforeEach(async () => {
    log = await openTestEventLog("sb_parking");
    ({ pool, store } = log);
    await inTransaction(pool, createCheckpointsTable);
    await pool.query(
      `CREATE TABLE amounts (event_id text PRIMARY KEY, stream_id text NOT NULL, amount integer NOT NULL,
         applied integer NOT NULL DEFAULT 1)`,
    );
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((projection) => projection.stop()));
    await log.close();
  });

  it("parks only the poison event's stream: its later events are recorded in order, the others go on", async () => {
    const poisoned = `amount-${randomUUID()}`;
    const healthy = `amount-${randomUUID()}`;
    const before = await append(poisoned, [1, 2]);
    const others = await append(healthy, [10, 20]);
    const [poison, ...behind] = await append(poisoned, ["not a number", 3, 4]);
    const later = await append(healthy, [30]);
    const errors: Record<string, unknown>[] = [];
    const projection = await start({
      logger: { ...quiet, error: (_message: string, meta?: Record<string, unknown>) => errors.push(meta!) },
    });

    await waitUntil(atHead, 15_000);
    expect(await storedIds()).to.have.members([...before, ...others, ...later]);
    const parked = await projection.parkedEvents();
    expect(parked.map((entry) => [entry.eventId, entry.streamId, entry.streamVersion])).to.deep.equal([
      [poison, poisoned, 3],
      [behind[0], poisoned, 4],
      [behind[1], poisoned, 5],
    ]);
    expect(parked[0]!.error).to.match(/invalid input syntax for type integer/);
    expect(parked[0]!.eventType).to.equal("AmountRecorded");
    expect(parked.slice(1).map((entry) => entry.error)).to.deep.equal([PARKED_BEHIND, PARKED_BEHIND]);
    expect(errors.map((meta) => meta.eventId)).to.deep.equal([poison]);
    expect([...(await readParkedStreams(pool, NAME))]).to.deep.equal([poisoned]);
    expect(await projection.status()).to.deep.include({ name: NAME, lagEvents: 0, parkedStreams: 1 });
    expect(await parkedGauge()).to.equal(1);
    expect((await projection.health())[NAME]).to.deep.equal({ status: "degraded", parkedStreams: 1 });

    // New events: the parked stream's are recorded behind the poison, everyone else's applied.
    const afterPark = await append(poisoned, [5]);
    const fresh = await append(`amount-${randomUUID()}`, [7]);
    await waitUntil(atHead, 15_000);
    expect(await storedIds()).to.include.members(fresh);
    expect(await storedIds()).not.to.include.members(afterPark);
    expect((await projection.parkedEvents()).map((entry) => entry.eventId)).to.deep.equal([
      poison,
      ...behind,
      ...afterPark,
    ]);
    expect((await stored()).every((row) => row.applied === 1)).to.equal(true);
  });

  it("parks a stream whose event fails in prepare, outside the transaction", async () => {
    const poisoned = `amount-${randomUUID()}`;
    const good = await append(`amount-${randomUUID()}`, [1, 2]);
    const [poison] = await append(poisoned, [{ nested: true }]);
    const projection = await start({
      prepare: async (events) => {
        // A decoder meeting data of the wrong shape: a TypeError, as in real read models.
        for (const event of events) (event.data as { amount: number }).amount.toFixed(0);
        return undefined;
      },
    });
    await waitUntil(atHead, 15_000);
    expect(await storedIds()).to.have.members(good);
    const parked = await projection.parkedEvents();
    expect(parked.map((entry) => entry.eventId)).to.deep.equal([poison]);
    expect(parked[0]!.error).to.match(/^TypeError: /);
  });

  it("retries a killed connection and a serialization failure with a pause, and never parks", async () => {
    const ids = await append(`amount-${randomUUID()}`, [1, 2, 3]);
    const warnings: Record<string, unknown>[] = [];
    let kills = 1;
    let serializationFailures = 2;
    await start({
      logger: { ...quiet, warn: (_message: string, meta?: Record<string, unknown>) => warnings.push(meta!) },
      apply: async (client, events, context) => {
        if (kills > 0) {
          kills--;
          // The server ends this very connection, as a restart or a failover would.
          await client.query(`SELECT pg_terminate_backend(pg_backend_pid())`);
        }
        if (serializationFailures > 0) {
          serializationFailures--;
          throw Object.assign(new Error("could not serialize access due to concurrent update"), {
            code: "40001",
          });
        }
        await storeAmounts.apply(client, events, context);
      },
    });
    await waitUntil(atHead, 15_000);
    expect(await storedIds()).to.have.members(ids);
    expect(await readParkedStreams(pool, NAME)).to.have.property("size", 0);
    const retries = warnings.filter((meta) => typeof meta.delayMs === "number");
    expect(retries.map((meta) => meta.delayMs)).to.deep.equal([100, 200, 400]);
    expect(String(retries[0]!.error)).to.match(/terminat/i);
  });

  it("re-applies a parked stream once the cause is fixed, and keeps it parked while it is not", async () => {
    const poisoned = `amount-${randomUUID()}`;
    const first = await append(poisoned, [1]);
    const rest = await append(poisoned, ["12 apples", 3]);
    let fixed = false;
    const projection = await start({
      apply: async (client, events, context) => {
        // The fix: a newer version of the read model reads the number out of the text.
        const repaired = events.map((event) => {
          const amount = (event.data as { amount: unknown }).amount;
          return fixed && typeof amount === "string"
            ? { ...event, data: { amount: parseInt(amount) } }
            : event;
        });
        await storeAmounts.apply(client, repaired, context);
      },
    });
    await waitUntil(atHead, 15_000);
    expect(await storedIds()).to.deep.equal(first);

    const stillBroken = await projection.retryParked(poisoned);
    expect(stillBroken).to.deep.include({ outcome: "failed", parkedEvents: 2 });
    expect((stillBroken as { error: string }).error).to.match(/invalid input syntax/);
    expect((await projection.parkedEvents()).map((entry) => entry.eventId)).to.deep.equal(rest);

    fixed = true;
    expect(await projection.retryParked(poisoned)).to.deep.equal({ outcome: "applied", events: 2 });
    expect(await storedIds()).to.have.members([...first, ...rest]);
    expect(await projection.parkedEvents()).to.deep.equal([]);
    expect(await projection.status()).to.deep.include({ parkedStreams: 0 });
    expect((await projection.health())[NAME]).to.deep.equal({ status: "ok", parkedStreams: 0 });
    expect(await projection.retryParked(poisoned)).to.deep.equal({ outcome: "not-parked" });

    // The stream is live again: its next event is applied, not parked.
    const next = await append(poisoned, [4]);
    await waitUntil(async () => (await storedIds()).includes(next[0]!));
    expect((await stored()).every((row) => row.applied === 1)).to.equal(true);
  });

  it("for random logs and batch sizes, parks exactly each poisoned stream from its first poison on", async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const random = seeded(seed);
      const name = `amounts-${seed}`;
      const streams = Array.from({ length: 1 + Math.floor(random() * 5) }, () => `amount-${randomUUID()}`);
      // Each appended event: its stream, and whether it is poison (about one in eight).
      const written: { streamId: string; id: string; poison: boolean }[] = [];
      for (let i = 0; i < 10 + Math.floor(random() * 30); i++) {
        const streamId = streams[Math.floor(random() * streams.length)]!;
        const poison = random() < 0.125;
        const [id] = await append(streamId, [poison ? "poison" : i]);
        written.push({ streamId, id: id!, poison });
      }
      await ensureCheckpoint(pool, name);
      const log = (await store.readAll({ after: START_OF_LOG, limit: 10_000 })).filter((event) =>
        written.some((entry) => entry.id === event.id),
      );
      const state: ConsumerState = { position: START_OF_LOG, parkedStreams: new Set() };
      const hooks = { committed: async () => undefined, parked: () => undefined };
      for (let at = 0; at < log.length;) {
        const size = 1 + Math.floor(random() * 12);
        // Batches overlap now and then, as a subscription re-delivers after a failure.
        const from = Math.max(0, at - Math.floor(random() * 3));
        await projectOrPark({ pool, name }, storeAmounts, state, log.slice(from, at + size), hooks);
        at += size;
      }

      const firstPoison = new Map<string, number>();
      written.forEach(
        (entry, i) => entry.poison && !firstPoison.has(entry.streamId) && firstPoison.set(entry.streamId, i),
      );
      const expectParked = written.filter((entry, i) => (firstPoison.get(entry.streamId) ?? Infinity) <= i);
      const parked = await listParkedEvents(pool, name);
      expect(
        parked.map((entry) => entry.eventId),
        `seed ${seed}`,
      ).to.have.members(expectParked.map((e) => e.id));
      for (const streamId of firstPoison.keys()) {
        const ofStream = parked.filter((entry) => entry.streamId === streamId);
        expect(ofStream[0]!.error, `seed ${seed}`).to.match(/invalid input syntax/);
        expect(
          ofStream.slice(1).every((entry) => entry.error === PARKED_BEHIND),
          `seed ${seed}`,
        ).to.equal(true);
      }
      expect([...state.parkedStreams], `seed ${seed}`).to.have.members([...firstPoison.keys()]);
      const rows = await stored();
      const expectApplied = written.filter((entry) => !expectParked.includes(entry)).map((entry) => entry.id);
      expect(
        rows.filter((row) => written.some((entry) => entry.id === row.event_id)).map((row) => row.event_id),
        `seed ${seed}`,
      ).to.have.members(expectApplied);
      expect(
        rows.every((row) => row.applied === 1),
        `seed ${seed}`,
      ).to.equal(true);
    }
  });

  it("two instances at once park each poison event once and apply every other event once", async () => {
    const streams = Array.from({ length: 6 }, () => `amount-${randomUUID()}`);
    const poisons: string[] = [];
    const good: string[] = [];
    let collisions = 0;
    const counting = {
      ...quiet,
      warn: (message: string) => void (message.startsWith("checkpoint moved") && collisions++),
    };
    await Promise.all([start({ batchSize: 7, logger: counting }), start({ batchSize: 5, logger: counting })]);
    for (let round = 0; round < 5; round++) {
      for (const [i, stream] of streams.entries()) {
        if (round === 2 && i % 3 === 0) poisons.push(...(await append(stream, ["poison"])));
        else good.push(...(await append(stream, [round * 10 + i])));
      }
    }
    await waitUntil(atHead, 30_000);
    const rows = await stored();
    const poisonedStreams = streams.filter((_, i) => i % 3 === 0);
    const behind = (
      await pool.query<{ event_id: string }>(
        `SELECT event_id FROM projection_parked_events WHERE projection = $1 AND error = $2`,
        [NAME, PARKED_BEHIND],
      )
    ).rows.map((row) => row.event_id);
    // Rounds 3 and 4 of each poisoned stream are parked behind its poison; nothing else is missing.
    expect(behind).to.have.length(4);
    expect(rows.map((row) => row.event_id)).to.have.members(good.filter((id) => !behind.includes(id)));
    expect(rows.every((row) => row.applied === 1)).to.equal(true);
    const parked = await running[0]!.parkedEvents();
    expect(
      parked.filter((entry) => entry.error !== PARKED_BEHIND).map((entry) => entry.eventId),
    ).to.have.members(poisons);
    expect(new Set(parked.map((entry) => entry.streamId))).to.deep.equal(new Set(poisonedStreams));
    expect([...(await readParkedStreams(pool, NAME))]).to.have.members(poisonedStreams);

    // The two really competed: batches of one were refused because the other moved the checkpoint.
    expect(collisions).to.be.greaterThan(0);
    // Both instances are alive: a new event is applied by one of them.
    const last = await append(streams[1]!, [99]);
    await waitUntil(async () => (await storedIds()).includes(last[0]!));
  });
});
