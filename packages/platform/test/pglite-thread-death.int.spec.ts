import { setTimeout as sleep } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import { expect } from "chai";
import { openEmbeddedDatabase } from "../src/pglite.ts";
import { openPGliteThread } from "../src/pglite-thread.ts";
import { inTransaction, type EmbeddedDatabase, type SqlPool } from "../src/sql.ts";

// The embedded database's thread (src/pglite-thread.ts) can stop at any time: killed, out of memory,
// or an error nothing caught. Whatever was waiting for it must fail with an error that says so,
// later queries must fail at once rather than wait forever, and closing must still work.
describe("the embedded database when its thread stops", function () {
  this.timeout(60_000);
  const stopped = /embedded database's thread stopped/;

  // The thread is reached the way any code can reach a worker: Node announces each new one on
  // `process` ('worker'), so the tests need nothing from the code under test to kill it.
  async function withThread<T>(open: () => Promise<T>): Promise<{ db: T; thread: Worker }> {
    let thread: Worker | undefined;
    const seen = (worker: Worker) => (thread ??= worker);
    process.on("worker", seen);
    try {
      const db = await open();
      return { db, thread: thread! };
    } finally {
      process.off("worker", seen);
    }
  }

  /** The error `promise` rejects with; an error of its own if it resolves, or is still waiting. */
  const failure = (promise: Promise<unknown>): Promise<Error> =>
    Promise.race([
      promise.then(
        () => new Error("resolved, but should have failed"),
        (error: Error) => error,
      ),
      sleep(10_000, new Error("still waiting after 10 s"), { ref: false }),
    ]);

  /** How long a later query takes to fail, and its error. */
  async function laterQuery(query: () => Promise<unknown>): Promise<{ ms: number; error: Error }> {
    const started = performance.now();
    const error = await failure(query());
    return { ms: performance.now() - started, error };
  }

  let unhandled: unknown[];
  const noteUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled = [];
    process.on("unhandledRejection", noteUnhandled);
  });
  afterEach(() => {
    process.off("unhandledRejection", noteUnhandled);
  });
  /** Node reports an unhandled rejection after the microtasks run out: give it a moment. */
  async function expectNoUnhandledRejection(): Promise<void> {
    await sleep(100);
    expect(unhandled).to.deep.equal([]);
  }

  it("fails the query in flight and those queued behind it when the thread is killed", async () => {
    const { db: pool, thread } = await withThread<SqlPool>(() => openEmbeddedDatabase(undefined));
    const inFlight = pool.query("SELECT pg_sleep(30)");
    const queued = [
      pool.query("SELECT 1"),
      pool.query("SELECT 2"),
      inTransaction(pool, (client) => client.query("SELECT 3")),
    ];
    await sleep(200);
    await thread.terminate();
    for (const error of await Promise.all([inFlight, ...queued].map(failure))) {
      expect(error.message).to.match(stopped);
    }

    const later = await laterQuery(() => pool.query("SELECT 4"));
    expect(later.error.message).to.match(stopped);
    expect(later.ms).to.be.below(1_000);
    await pool.end();
    await expectNoUnhandledRejection();
  });

  it("fails every caller waiting on the thread at once, not just the first", async () => {
    // Without the pool in front, several queries wait on the thread together.
    const { db, thread } = await withThread<EmbeddedDatabase>(() => openPGliteThread(undefined, {}));
    const waiting = [db.query("SELECT pg_sleep(30)"), db.query("SELECT 1"), db.query("SELECT 2")];
    await sleep(200);
    await thread.terminate();
    for (const error of await Promise.all(waiting.map(failure))) expect(error.message).to.match(stopped);
    await db.close();
    await expectNoUnhandledRejection();
  });

  it("fails waiting and later queries with the reason when the thread dies of an error", async () => {
    const { db: pool, thread } = await withThread<SqlPool>(() => openEmbeddedDatabase(undefined));
    const exited = new Promise((resolve) => thread.once("exit", resolve));
    // A message the thread cannot read makes its message handler throw, and nothing there catches
    // it: the thread dies of an uncaught error, as it would of a bug in its own code.
    thread.postMessage(null);
    const waiting = [
      pool.query("SELECT 1"),
      pool.query("SELECT 2"),
      inTransaction(pool, (client) => client.query("SELECT 3")),
    ];
    for (const error of await Promise.all(waiting.map(failure))) {
      expect(error.message).to.match(stopped);
      // The thread's own error, not just its exit code.
      expect(error.message).to.match(/Cannot read properties of null/);
      expect(error.cause).to.be.instanceOf(Error);
    }

    // Still the thread's own error once it has also exited.
    await exited;
    const later = await laterQuery(() => pool.query("SELECT 4"));
    expect(later.error.message).to.match(stopped);
    expect(later.error.message).to.match(/Cannot read properties of null/);
    expect(later.ms).to.be.below(1_000);
    await pool.end();
    await expectNoUnhandledRejection();
  });
});
