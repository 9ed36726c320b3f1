import { expect } from "chai";
import fc from "fast-check";
import { judge, slidingCount, windowAt, type WindowCounts } from "../src/domain/sliding-window.ts";

const WINDOW_MS = 60_000;

/** The counts one more request sees `waitMs` after `nowMs`, when nothing else was sent meanwhile. */
function countsAfter(nowMs: number, waitMs: number, counts: WindowCounts): WindowCounts {
  const windows = windowAt(nowMs + waitMs, WINDOW_MS).index - windowAt(nowMs, WINDOW_MS).index;
  if (windows === 0) return { previous: counts.previous, current: counts.current + 1 };
  if (windows === 1) return { previous: counts.current, current: 1 };
  return { previous: 0, current: 1 };
}

const arbitrary = fc.record({
  limit: fc.integer({ min: 1, max: 1_000 }),
  previous: fc.integer({ min: 0, max: 3_000 }),
  current: fc.integer({ min: 1, max: 3_000 }),
  nowMs: fc.integer({ min: 0, max: 10 * WINDOW_MS }),
});

describe("sliding-window counter", () => {
  it("allows a request exactly while the weighted count is within the limit", () => {
    fc.assert(
      fc.property(arbitrary, ({ limit, previous, current, nowMs }) => {
        const position = windowAt(nowMs, WINDOW_MS);
        const verdict = judge({ limit, windowMs: WINDOW_MS }, { previous, current }, position);
        const count = slidingCount({ previous, current }, position, WINDOW_MS);
        if (Math.abs(count - limit) > 1e-6) expect(verdict.allowed).to.equal(count <= limit);
      }),
    );
  });

  it("tells a refused client a wait after which its next request is allowed, and not much less", () => {
    fc.assert(
      fc.property(arbitrary, ({ limit, previous, current, nowMs }) => {
        const rule = { limit, windowMs: WINDOW_MS };
        const verdict = judge(rule, { previous, current }, windowAt(nowMs, WINDOW_MS));
        if (verdict.allowed) return;
        const at = (waitMs: number) =>
          judge(rule, countsAfter(nowMs, waitMs, { previous, current }), windowAt(nowMs + waitMs, WINDOW_MS));
        expect(at(verdict.retryAfterMs).allowed, `after ${verdict.retryAfterMs} ms`).to.equal(true);
        if (verdict.retryAfterMs > 1) expect(at(verdict.retryAfterMs - 1).allowed).to.equal(false);
      }),
    );
  });

  it("does not let a full window's burst be followed by another just after the boundary", () => {
    const rule = { limit: 10, windowMs: WINDOW_MS };
    // Ten requests in the last second of one window, one more in the first second of the next.
    const verdict = judge(rule, { previous: 10, current: 1 }, windowAt(WINDOW_MS + 1_000, WINDOW_MS));
    expect(verdict.allowed).to.equal(false);
    // A fixed window would allow it; the sliding one waits until the burst has mostly slid out.
    expect(verdict.allowed || verdict.retryAfterMs).to.be.within(5_000, WINDOW_MS);
  });

  it("never limits a rule whose limit is 0", () => {
    expect(
      judge({ limit: 0, windowMs: WINDOW_MS }, { previous: 1e6, current: 1e6 }, windowAt(5, WINDOW_MS)),
    ).to.deep.equal({ allowed: true });
  });
});
