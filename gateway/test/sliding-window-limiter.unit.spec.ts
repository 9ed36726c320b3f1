import { expect } from "chai";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { memoryCounterStore, type CounterStore } from "../src/adapters/rate-limit-store.ts";
import { slidingWindowLimiter } from "../src/adapters/sliding-window-limiter.ts";

const WINDOW_MS = 60_000;

/** The in-process store, with the windows whose count was read written down. */
function countingReads(reads: string[]): CounterStore {
  const store = memoryCounterStore();
  return {
    ...store,
    counters: (name, seconds) => {
      const counters = store.counters(name, seconds);
      return new Proxy(counters, {
        get: (target, property, receiver) => {
          if (property !== "get") return Reflect.get(target, property, receiver) as unknown;
          return (key: string) => {
            reads.push(key);
            return target.get(key);
          };
        },
      }) as RateLimiterAbstract;
    },
  };
}

describe("sliding-window limiter", function () {
  it("reads an ended window's count once per subject, and judges with it all window long", async () => {
    const reads: string[] = [];
    let now = 10 * WINDOW_MS;
    const allow = slidingWindowLimiter(
      countingReads(reads),
      "t",
      { limit: 10, windowMs: WINDOW_MS },
      () => now,
    );
    const verdicts = async (subject: string, requests: number) => {
      const allowed: boolean[] = [];
      for (let i = 0; i < requests; i++) allowed.push((await allow(subject)).allowed);
      return allowed.filter(Boolean).length;
    };

    expect(await verdicts("a", 8)).to.equal(8); // window 10
    expect(await verdicts("b", 1)).to.equal(1);
    now = 11 * WINDOW_MS; // window 11 starts: a's 8 still weigh fully
    expect(await verdicts("a", 5)).to.equal(2);
    expect(await verdicts("b", 5)).to.equal(5);
    now = 11 * WINDOW_MS + WINDOW_MS / 2; // half of window 10 still covered: 4 + 5 counted in 11
    expect(await verdicts("a", 3)).to.equal(1);
    expect(reads.filter((key) => key.endsWith(":10")).sort()).to.deep.equal(["a:10", "b:10"]);

    now = 12 * WINDOW_MS; // window 11 ended with 8 of a's requests counted (refused ones too)
    expect(await verdicts("a", 3)).to.equal(2);
    expect(reads.filter((key) => key.endsWith(":11"))).to.deep.equal(["a:11"]);
  });
});
