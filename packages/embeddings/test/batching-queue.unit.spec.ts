import { expect } from "chai";
import { createBatchingQueue } from "../src/batching-queue.ts";

function recordingQueue(options: {
  batchSize: number;
  concurrency?: number;
  lingerMs?: number;
  delayMs?: number;
}) {
  const batches: string[][] = [];
  let running = 0;
  let maxRunning = 0;
  const queue = createBatchingQueue<string, string>({
    batchSize: options.batchSize,
    lingerMs: options.lingerMs ?? 2,
    concurrency: options.concurrency ?? 1,
    async run(batch) {
      batches.push(batch);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      running--;
      if (batch.includes("boom")) throw new Error("boom");
      return batch.map((item) => item.toUpperCase());
    },
  });
  return { queue, batches, maxRunning: () => maxRunning };
}

describe("batching queue", () => {
  it("puts the items of concurrent callers into one batch and gives each caller its own results", async () => {
    const { queue, batches } = recordingQueue({ batchSize: 10 });
    const [first, second] = await Promise.all([queue.submit(["a", "b"]), queue.submit(["c"])]);
    expect(first).to.deep.equal(["A", "B"]);
    expect(second).to.deep.equal(["C"]);
    expect(batches).to.deep.equal([["a", "b", "c"]]);
  });

  it("splits into batches of at most batchSize and keeps the order", async () => {
    const { queue, batches } = recordingQueue({ batchSize: 4, concurrency: 2 });
    const items = Array.from({ length: 10 }, (_, i) => `t${i}`);
    expect(await queue.submit(items)).to.deep.equal(items.map((item) => item.toUpperCase()));
    expect(batches.map((batch) => batch.length)).to.deep.equal([4, 4, 2]);
  });

  it("never runs more than `concurrency` batches at once and gathers what waits behind them", async () => {
    const { queue, batches, maxRunning } = recordingQueue({ batchSize: 2, concurrency: 1, delayMs: 20 });
    const first = queue.submit(["a"]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first batch is running now
    const later = await Promise.all([queue.submit(["b"]), queue.submit(["c"]), queue.submit(["d"])]);
    await first;
    expect(later.flat()).to.deep.equal(["B", "C", "D"]);
    expect(maxRunning()).to.equal(1);
    expect(batches).to.deep.equal([["a"], ["b", "c"], ["d"]]);
  });

  it("fails only the callers whose items were in the failing batch", async () => {
    const { queue } = recordingQueue({ batchSize: 2 });
    const results = await Promise.allSettled([queue.submit(["x", "boom"]), queue.submit(["y"])]);
    expect(results[0].status).to.equal("rejected");
    expect(results[1]).to.deep.equal({ status: "fulfilled", value: ["Y"] });
  });

  it("rejects when a batch returns the wrong number of results", async () => {
    const queue = createBatchingQueue<string, string>({
      batchSize: 5,
      lingerMs: 1,
      concurrency: 1,
      run: async () => ["only one"],
    });
    let failure: unknown;
    await queue.submit(["a", "b"]).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain("returned 1 results");
  });

  it("answers an empty submission at once", async () => {
    const { queue, batches } = recordingQueue({ batchSize: 2 });
    expect(await queue.submit([])).to.deep.equal([]);
    expect(batches).to.deep.equal([]);
  });
});
