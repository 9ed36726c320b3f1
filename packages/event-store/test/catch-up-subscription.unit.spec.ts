import { expect } from "chai";
import {
  comparePositions,
  START_OF_LOG,
  type LogPosition,
  type RecordedEvent,
} from "@second-brain/contracts";
import { startCatchUp, type CatchUpSource } from "../src/postgres/catch-up-subscription.ts";
import { newEvent, sleep, waitFor } from "./contract-helpers.ts";

/** An in-memory log standing in for the database, so the loop's timing can be tested alone. */
function memoryLog() {
  const events: RecordedEvent[] = [];
  let reads = 0;
  const append = () => {
    const position = { commit: BigInt(events.length + 1), prepare: 1n };
    events.push({ ...newEvent(), streamId: "s", streamVersion: events.length + 1, position, recordedAt: "" });
  };
  /** `heldBack` is what a short read reports about events it could not read yet. */
  let heldBack = false;
  const read = async (after: LogPosition, limit: number) => {
    reads += 1;
    return {
      events: events.filter((e) => comparePositions(e.position, after) > 0).slice(0, limit),
      heldBack,
    };
  };
  const holdBack = (held: boolean) => void (heldBack = held);
  return { events, append, read, reads: () => reads, holdBack };
}

describe("catch-up subscription loop", function () {
  it("does not lose a notice that arrives while a read is running", async () => {
    const log = memoryLog();
    let notice: () => void = () => undefined;
    const source: CatchUpSource = {
      read: async (after, limit) => {
        const result = await log.read(after, limit);
        if (log.reads() === 1) {
          log.append(); // appended after this read looked, noticed before it returned
          notice();
        }
        return result;
      },
      onAppendNotice: (callback) => ((notice = callback), () => undefined),
      pollIntervalMs: 60_000,
      retryDelayMs: 10,
    };
    const received: RecordedEvent[] = [];
    const subscription = startCatchUp(source, {
      after: START_OF_LOG,
      handle: async (e) => void received.push(...e),
    });
    await waitFor(() => received.length === 1, "the noticed event", 1_000);
    await subscription.stop();
  });

  it("polls soon while events are held back, and at the poll interval otherwise", async () => {
    const log = memoryLog();
    log.holdBack(true);
    const source: CatchUpSource = {
      read: log.read,
      pollIntervalMs: 60_000,
      heldBackPollMs: 5,
      retryDelayMs: 10,
    };
    const subscription = startCatchUp(source, { after: START_OF_LOG, handle: async () => undefined });
    await sleep(100);
    log.holdBack(false);
    await sleep(50);
    const readsWhenReleased = log.reads();
    expect(readsWhenReleased).to.be.greaterThan(5);
    await sleep(100);
    expect(log.reads()).to.equal(readsWhenReleased);
    await subscription.stop();
  });

  it("pauses after a failure even when notices keep coming, then hands the batch again", async () => {
    const log = memoryLog();
    log.append();
    let notice: () => void = () => undefined;
    const source: CatchUpSource = {
      read: log.read,
      onAppendNotice: (callback) => ((notice = callback), () => undefined),
      pollIntervalMs: 60_000,
      retryDelayMs: 200,
    };
    const errors: unknown[] = [];
    const handled: RecordedEvent[] = [];
    const subscription = startCatchUp(source, {
      after: START_OF_LOG,
      handle: async (events) => {
        if (errors.length === 0) throw new Error("first try fails");
        handled.push(...events);
      },
      onError: (error) => errors.push(error),
    });
    const flood = setInterval(() => notice(), 5);
    await sleep(100);
    expect(log.reads()).to.equal(1);
    clearInterval(flood);
    await waitFor(() => handled.length === 1, "the batch handed again", 1_000);
    expect(errors).to.have.length(1);
    await subscription.stop();
  });

  it("waits twice as long after each failure in a row, up to a cap, and from the start after a success", async () => {
    const log = memoryLog();
    log.append();
    let failing = true;
    const reads: number[] = [];
    const source: CatchUpSource = {
      read: async (after, limit) => {
        reads.push(Date.now());
        if (failing) throw new Error("the database is down");
        return log.read(after, limit);
      },
      pollIntervalMs: 60_000,
      retryDelayMs: 20,
      maxRetryDelayMs: 200,
    };
    const handled: RecordedEvent[] = [];
    const subscription = startCatchUp(source, {
      after: START_OF_LOG,
      handle: async (events) => void handled.push(...events),
    });
    await waitFor(() => reads.length === 6, "six failed reads", 2_000);
    const pauses = reads.slice(1).map((at, i) => at - reads[i]!);
    // 20, 40, 80, 160, then capped at 200 (timers fire late, never early).
    for (const [i, expected] of [20, 40, 80, 160, 200].entries()) {
      expect(pauses[i]).to.be.at.least(expected - 2);
      expect(pauses[i]).to.be.below(expected + 60);
    }
    failing = false;
    await waitFor(() => handled.length === 1, "the read after the database came back", 1_000);

    failing = true;
    const before = reads.length;
    subscription.wake();
    await waitFor(() => reads.length === before + 2, "a new failure and its retry", 1_000);
    expect(reads[before + 1]! - reads[before]!).to.be.below(100);
    await subscription.stop();
  });

  it("waits after a batch as long as the read and batch took, between the short wait and its cap", async () => {
    const log = memoryLog();
    const reads: number[] = [];
    let handleMs = 0;
    const source: CatchUpSource = {
      read: async (after, limit) => {
        reads.push(performance.now());
        return log.read(after, limit);
      },
      pollIntervalMs: 60_000,
      retryDelayMs: 10,
      settleMs: 10,
      maxSettleMs: 100,
    };
    const subscription = startCatchUp(source, {
      after: START_OF_LOG,
      handle: async () => sleep(handleMs),
    });
    // An append, and its notice, every 5 ms: always something to read, never a full batch.
    const flood = setInterval(() => {
      log.append();
      subscription.wake();
    }, 5);
    const gapAfter = async (ms: number) => {
      handleMs = ms;
      await sleep(ms * 3 + 150); // a batch at the old pace, then a few at the new one
      const last = reads.slice(-3);
      return last[2]! - last[1]! - ms; // between two reads: the batch, then the wait
    };
    try {
      expect(await gapAfter(0)).to.be.within(8, 80);
      expect(await gapAfter(60)).to.be.within(55, 160);
      // Uncapped it would be 200 or more: timers fire late, never early.
      expect(await gapAfter(200)).to.be.within(95, 190);
    } finally {
      clearInterval(flood);
      await subscription.stop();
    }
  });

  it("stops while sleeping without waiting for the poll", async () => {
    const log = memoryLog();
    const subscription = startCatchUp(
      { read: log.read, pollIntervalMs: 60_000, retryDelayMs: 10 },
      { after: START_OF_LOG, handle: async () => undefined },
    );
    await sleep(20);
    const started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).to.be.lessThan(100);
  });
});
